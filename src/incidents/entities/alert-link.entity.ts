import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A monitoring problem tied to an incident: notes about the incident go onto it. */
@Entity()
export class AlertLink {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') incidentId!: string;
  @Column('uuid') instanceId!: string;
  @Column('text') problemId!: string;
  @Column('timestamptz') createdAt!: Date;
}
