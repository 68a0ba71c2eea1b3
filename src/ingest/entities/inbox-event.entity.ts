import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type InboxStatus = 'pending' | 'processed' | 'failed';

/** A raw vendor record exactly as received or fetched, kept durably before anything else. */
@Entity()
export class InboxEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column('uuid') instanceId!: string;
  @Column('text') dedupeKey!: string;
  @Column('text') recordType!: string;
  @Column('text') source!: 'webhook' | 'poll';
  @Column('jsonb') payload!: unknown;
  @Column('text') status!: InboxStatus;
  @Column('integer') attempts!: number;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('timestamptz') receivedAt!: Date;
  @Column('timestamptz', { nullable: true }) processedAt!: Date | null;
}
