import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity()
export class ConnectorInstance {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') kind!: string;
  @Column('text') name!: string;
  @Column('boolean') enabled!: boolean;
  /** Settings without secrets. */
  @Column('jsonb') settings!: object;
  /** AES-256-GCM blob of the secret settings fields. */
  @Column('text', { nullable: true }) secretsEnc!: string | null;
  @Column('text', { nullable: true }) webhookSecretEnc!: string | null;
  @Column('integer', { nullable: true }) pollIntervalSeconds!: number | null;
  /** Our budget of calls to the tool per rolling hour; null: none. */
  @Column('integer', { nullable: true }) requestsPerHour!: number | null;
  @Column('timestamptz', { nullable: true }) nextPollAt!: Date | null;
  @Column('text', { nullable: true }) pollLeaseOwner!: string | null;
  @Column('timestamptz', { nullable: true }) pollLeaseUntil!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
