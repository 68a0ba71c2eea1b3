import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user's addition to the built-in list of patches a rollback must not try to remove. */
@Entity()
export class UnremovablePatchRule {
  @PrimaryColumn('uuid') id!: string;
  /** 'patch-id': the KB equals the pattern; 'title': the title contains it (any case). */
  @Column('text') match!: 'patch-id' | 'title';
  @Column('text') pattern!: string;
  @Column('text') reason!: string;
  @Column('text') createdBy!: string;
  @Column('timestamptz') createdAt!: Date;
}
