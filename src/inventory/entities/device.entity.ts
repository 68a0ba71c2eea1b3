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
  /** As the RMM or monitoring last reported it; null until one did. */
  @Column('boolean', { nullable: true }) online!: boolean | null;
  @Column('timestamptz', { nullable: true }) onlineAt!: Date | null;
  @Column('timestamptz', { nullable: true }) lastBootAt!: Date | null;
  /** A pending-reboot flag counts only while no boot came after it (rebootPendingAt). */
  @Column('boolean', { nullable: true }) rebootPending!: boolean | null;
  @Column('timestamptz', { nullable: true }) rebootPendingAt!: Date | null;
  @Column('text', { nullable: true }) rebootPendingReason!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
