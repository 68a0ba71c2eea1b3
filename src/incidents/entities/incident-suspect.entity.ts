import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SuspectStatus = 'suspected' | 'confirmed' | 'rejected';

/** A change suspected of causing an incident, with why; a technician confirms or rejects it. */
@Entity()
export class IncidentSuspect {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') incidentId!: string;
  @Column('bigint') patchEventId!: string;
  @Column('text') kind!: 'patch' | 'reboot';
  @Column('text', { nullable: true }) patchId!: string | null;
  @Column('text', { nullable: true }) title!: string | null;
  @Column('timestamptz') occurredAt!: Date;
  @Column('integer') rank!: number;
  @Column('real') score!: number;
  @Column('jsonb') reasons!: string[];
  @Column('text') status!: SuspectStatus;
  @Column('text', { nullable: true }) decidedBy!: string | null;
  @Column('timestamptz', { nullable: true }) decidedAt!: Date | null;
}
