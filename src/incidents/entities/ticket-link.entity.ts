import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A helpdesk ticket tied to an incident: the one we opened, or a user's we linked. */
@Entity()
export class TicketLink {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') incidentId!: string;
  @Column('uuid') instanceId!: string;
  @Column('text', { nullable: true }) externalId!: string | null;
  @Column('text') relation!: 'incident-ticket' | 'user-ticket';
  @Column('text') status!: string;
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz') updatedAt!: Date;
}
