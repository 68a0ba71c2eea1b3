import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { OutboxAction } from '../outbox-command';

export type OutboxStatus = 'pending' | 'delivering' | 'delivered' | 'dead' | 'discarded';
export type { OutboxAction };

@Entity()
export class OutboxMessage {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column('uuid') instanceId!: string;
  @Column('text') action!: OutboxAction;
  @Column('jsonb') payload!: object;
  @Column('text') idempotencyKey!: string;
  @Column('uuid', { nullable: true }) incidentId!: string | null;
  @Column('text') status!: OutboxStatus;
  @Column('integer') attempts!: number;
  @Column('integer') maxAttempts!: number;
  @Column('timestamptz') nextAttemptAt!: Date;
  @Column('text', { nullable: true }) leaseOwner!: string | null;
  @Column('timestamptz', { nullable: true }) leaseUntil!: Date | null;
  @Column('text', { nullable: true }) lastError!: string | null;
  @Column('jsonb', { nullable: true }) result!: object | null;
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz') updatedAt!: Date;
  @Column('timestamptz', { nullable: true }) deliveredAt!: Date | null;
}
