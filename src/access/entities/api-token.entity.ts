import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

@Entity()
export class ApiToken {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  /** SHA-256 of the token: the token itself is shown once and never stored. */
  @Column('text') tokenHash!: string;
  @Column('text') prefix!: string;
  @Column('text') role!: Role;
  @Column('uuid', { nullable: true }) clientId!: string | null;
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz', { nullable: true }) revokedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) lastUsedAt!: Date | null;
}
