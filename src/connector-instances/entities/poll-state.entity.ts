import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where each pull stream of an instance stands, and how its last runs went. */
@Entity()
export class PollState {
  @PrimaryColumn('uuid') instanceId!: string;
  @PrimaryColumn('text') stream!: string;
  @Column('text', { nullable: true }) cursor!: string | null;
  @Column('timestamptz', { nullable: true }) lastSuccessAt!: Date | null;
  @Column('text', { nullable: true }) lastError!: string | null;
  @Column('timestamptz', { nullable: true }) lastErrorAt!: Date | null;
  @Column('integer', { nullable: true }) lastDurationMs!: number | null;
  @Column('integer', { nullable: true }) lastRecords!: number | null;
}
