import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A KB that must not come back for a client (rolled back, or blocked by a person). */
@Entity()
export class BlockedPatch {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') clientId!: string;
  @Column('text') patchId!: string;
  @Column('text') reason!: string;
  @Column('text') blockedBy!: string;
  @Column('uuid', { nullable: true }) rollbackId!: string | null;
  @Column('uuid', { nullable: true }) deviceId!: string | null;
  @Column('timestamptz') createdAt!: Date;
}
