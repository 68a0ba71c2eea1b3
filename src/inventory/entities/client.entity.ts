import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity()
export class Client {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  /** Normalised name: how clients named by different tools meet. */
  @Column('text') nameKey!: string;
  /** Case, punctuation and legal suffixes ignored: how differently spelled names meet. */
  @Column('text', { nullable: true }) matchKey!: string | null;
  /** A rollback for this client waits for a second operator's approval. */
  @Column('boolean', { default: false }) rollbackRequiresApproval!: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
