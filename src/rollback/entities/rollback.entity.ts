import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RollbackResult } from '../../../connectors/contract/connector';

export const ROLLBACK_STATES = [
  'requested',
  'awaiting-approval',
  'waiting-for-device',
  'running',
  'verifying',
  'succeeded',
  'failed',
  'refused',
] as const;
export type RollbackState = (typeof ROLLBACK_STATES)[number];

export const ACTIVE_ROLLBACK_STATES: readonly RollbackState[] = [
  'requested',
  'awaiting-approval',
  'waiting-for-device',
  'running',
  'verifying',
];

/** One pre-flight check: what was checked, whether it passed, in words. */
export interface PreflightCheck {
  check: string;
  ok: boolean;
  detail: string;
}

/** What the RMM will be asked to run. */
export interface RollbackPlanView {
  instance: { id: string; name: string; kind: string };
  device: { id: string; name: string; externalId: string };
  patchId: string;
  /** The connector's description of the exact call, when it gives one. */
  script: object | null;
}

export interface RollbackStep {
  state: RollbackState;
  at: string;
  by?: string;
  note?: string;
}

/** What the verification found after the script. */
export interface RollbackVerification {
  patchRemoved: boolean | null;
  patchEvidence: string;
  services: { name: string; state: string }[];
  servicesRunning: boolean | null;
}

@Entity()
export class Rollback {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') incidentId!: string;
  /** Rollbacks asked together (a patch wave) share it. */
  @Column('uuid', { nullable: true }) batchId!: string | null;
  @Column('uuid') deviceId!: string;
  @Column('uuid', { nullable: true }) clientId!: string | null;
  @Column('uuid', { nullable: true }) instanceId!: string | null;
  @Column('text', { nullable: true }) externalDeviceId!: string | null;
  @Column('text') patchId!: string;
  @Column('text') state!: RollbackState;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column('text') requestedBy!: string;
  @Column('uuid', { nullable: true }) requestedByToken!: string | null;
  @Column('text', { nullable: true }) approvedBy!: string | null;
  @Column('boolean', { default: false }) whenOnline!: boolean;
  @Column('jsonb') preflight!: PreflightCheck[];
  @Column('jsonb', { nullable: true }) plan!: RollbackPlanView | null;
  @Column('text', { nullable: true }) jobId!: string | null;
  @Column('bigint', { nullable: true }) outboxId!: string | null;
  @Column('jsonb', { nullable: true }) result!: RollbackResult | null;
  @Column('jsonb', { nullable: true }) verification!: RollbackVerification | null;
  @Column('jsonb') steps!: RollbackStep[];
  @Column('timestamptz', { nullable: true }) nextCheckAt!: Date | null;
  @Column('timestamptz', { nullable: true }) deadlineAt!: Date | null;
  @Column('timestamptz', { nullable: true }) leaseUntil!: Date | null;
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz') updatedAt!: Date;
  @Column('timestamptz', { nullable: true }) finishedAt!: Date | null;
}
