import { Column, Entity, PrimaryColumn } from 'typeorm';

export type MatchedBy = 'new' | 'external-id' | 'serial' | 'fqdn' | 'hostname' | 'ip' | 'manual';

/** One tool's record of a device, and how it was matched to the canonical device. */
@Entity()
export class DeviceLink {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') deviceId!: string;
  @Column('uuid') instanceId!: string;
  /** The tool's id, or a derived key when the tool gives none (generic events). */
  @Column('text') externalKey!: string;
  @Column('text', { nullable: true }) externalId!: string | null;
  @Column('text', { nullable: true }) hostname!: string | null;
  @Column('text', { nullable: true }) fqdn!: string | null;
  @Column('text', { nullable: true }) ip!: string | null;
  @Column('text', { nullable: true }) serial!: string | null;
  @Column('text') matchedBy!: MatchedBy;
  @Column('timestamptz') firstSeenAt!: Date;
  @Column('timestamptz') lastSeenAt!: Date;
}
