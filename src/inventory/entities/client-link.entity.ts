import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ClientMatchedBy = 'new' | 'name' | 'similar-name' | 'manual';

/**
 * A tool's own record of a client (an RMM organization, a PSA company, a monitoring host
 * group, or a bare name) and the client it was matched to — suggested automatically, confirmed
 * or moved by a person.
 */
@Entity()
export class ClientLink {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') clientId!: string;
  @Column('uuid') instanceId!: string;
  /** The tool's id, or `name:<match key>` for a tool that names clients only. */
  @Column('text') externalId!: string;
  /** The tool's own spelling. */
  @Column('text', { nullable: true }) name!: string | null;
  @Column('text', { default: 'name' }) matchedBy!: ClientMatchedBy;
  @Column('text', { nullable: true }) confirmedBy!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) createdAt!: Date;
}
