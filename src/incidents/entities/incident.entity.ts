import { Column, Entity, PrimaryColumn } from 'typeorm';

export type IncidentState = 'open' | 'mitigating' | 'resolved';

@Entity()
export class Incident {
  @PrimaryColumn('uuid') id!: string;
  /** Stable correlation key; written into tickets so they can be found again. */
  @Column('text') key!: string;
  @Column('uuid', { nullable: true }) parentId!: string | null;
  @Column('uuid', { nullable: true }) clientId!: string | null;
  @Column('uuid', { nullable: true }) deviceId!: string | null;
  @Column('text') state!: IncidentState;
  @Column('text') cause!: string;
  @Column('text') title!: string;
  @Column('real') confidence!: number;
  @Column('jsonb') details!: object;
  @Column('timestamptz') openedAt!: Date;
  @Column('timestamptz', { nullable: true }) resolvedAt!: Date | null;
  @Column('timestamptz') updatedAt!: Date;
  @Column('boolean') suppressed!: boolean;
}
