import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { HealthKind, HealthOrigin } from '../../../connectors/contract/canonical';

@Entity()
export class HealthEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column('uuid') deviceId!: string;
  @Column('uuid', { nullable: true }) clientId!: string | null;
  @Column('uuid') instanceId!: string;
  @Column('bigint', { nullable: true }) inboxId!: string | null;
  @Column('text', { nullable: true }) sourceId!: string | null;
  @Column('text') kind!: HealthKind;
  @Column('text', { nullable: true }) subject!: string | null;
  @Column('text', { nullable: true }) severity!: string | null;
  @Column('text', { nullable: true }) problemId!: string | null;
  @Column('text', { nullable: true }) message!: string | null;
  @Column('text', { default: 'monitoring' }) origin!: HealthOrigin;
  /** The check that said it (a check script's name), when not the tool itself. */
  @Column('text', { nullable: true }) check!: string | null;
  /** Already over when it was read (a first sync's history): recorded, never news. */
  @Column('boolean', { default: false }) history!: boolean;
  @Column('timestamptz') occurredAt!: Date;
  @Column('timestamptz', { default: () => 'now()' }) recordedAt!: Date;
}
