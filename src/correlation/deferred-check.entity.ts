import { Column, Entity, PrimaryColumn } from 'typeorm';

export type DeferredKind = 'reboot-grace' | 'verify-services';

/** A decision postponed: an expected reboot's grace period, or a post-patch service check. */
@Entity()
export class DeferredCheck {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') deviceId!: string;
  @Column('text') kind!: DeferredKind;
  @Column('timestamptz') dueAt!: Date;
  @Column('text') status!: 'pending' | 'done' | 'cancelled';
  @Column('jsonb') data!: object;
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz', { nullable: true }) leaseUntil!: Date | null;
}
