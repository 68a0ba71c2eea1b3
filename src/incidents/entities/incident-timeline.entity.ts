import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class IncidentTimeline {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column('uuid') incidentId!: string;
  @Column('timestamptz') at!: Date;
  @Column('text') kind!: string;
  @Column('text') text!: string;
  @Column('jsonb') data!: object;
}
