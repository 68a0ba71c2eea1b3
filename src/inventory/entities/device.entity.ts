import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity()
export class Device {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { nullable: true }) clientId!: string | null;
  @Column('text') displayName!: string;
  @Column('text', { nullable: true }) hostnameKey!: string | null;
  @Column('text', { nullable: true }) fqdnKey!: string | null;
  @Column('text', { nullable: true }) ip!: string | null;
  @Column('text', { nullable: true }) serialKey!: string | null;
  @Column('text', { nullable: true }) role!: string | null;
  @Column('text', { nullable: true }) os!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
