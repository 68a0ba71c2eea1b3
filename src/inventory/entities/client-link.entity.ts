import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tool's own id for a client (an RMM organization, a PSA company, a monitoring host group …). */
@Entity()
export class ClientLink {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') clientId!: string;
  @Column('uuid') instanceId!: string;
  @Column('text') externalId!: string;
}
