import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Every outcome of correlating one health event; the API lists them with their reasons. */
export const DECISION_OUTCOMES = [
  'opened',
  'suppressed',
  'updated',
  'repeat',
  'recurred',
  'recovering',
  'resolved',
  'expected-reboot',
  'reboot-ok',
  'stale',
  'history',
  'no-incident',
  'ignored',
] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

@Entity()
export class Decision {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column('bigint') healthEventId!: string;
  @Column('uuid') deviceId!: string;
  @Column('uuid', { nullable: true }) clientId!: string | null;
  @Column('uuid', { nullable: true }) incidentId!: string | null;
  @Column('text') kind!: string;
  @Column('text', { nullable: true }) subject!: string | null;
  @Column('timestamptz') occurredAt!: Date;
  @Column('timestamptz', { default: () => 'now()' }) decidedAt!: Date;
  @Column('text') outcome!: DecisionOutcome;
  /** The rule that decided: post-patch-outage, expected-reboot, maintenance-window, … */
  @Column('text') rule!: string;
  @Column('text') reason!: string;
  @Column('jsonb') evidence!: string[];
}
