import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A patch state change, or a reboot (status 'rebooted', no patch id). */
export type PatchEventStatus =
  'pending' | 'approved' | 'installed' | 'failed' | 'rolled_back' | 'rebooted';

@Entity()
export class PatchEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column('uuid') deviceId!: string;
  @Column('uuid', { nullable: true }) clientId!: string | null;
  @Column('uuid') instanceId!: string;
  @Column('bigint', { nullable: true }) inboxId!: string | null;
  @Column('text', { nullable: true }) sourceId!: string | null;
  @Column('text', { nullable: true }) patchId!: string | null;
  @Column('text', { nullable: true }) title!: string | null;
  @Column('text', { nullable: true }) severity!: string | null;
  @Column('text', { nullable: true }) category!: string | null;
  @Column('text') status!: PatchEventStatus;
  @Column('boolean', { nullable: true }) rebootRequired!: boolean | null;
  @Column('text', { nullable: true }) message!: string | null;
  @Column('timestamptz') occurredAt!: Date;
  @Column('timestamptz', { default: () => 'now()' }) recordedAt!: Date;
}
