import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A client's correlation settings, over the defaults. */
@Entity()
export class RuleOverride {
  @PrimaryColumn('uuid') clientId!: string;
  @Column('jsonb') settings!: object;
  @Column('timestamptz') updatedAt!: Date;
}

@Entity()
export class MaintenanceWindow {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { nullable: true }) clientId!: string | null;
  @Column('uuid', { nullable: true }) deviceId!: string | null;
  @Column('timestamptz') startsAt!: Date;
  @Column('timestamptz') endsAt!: Date;
  @Column('text') reason!: string;
  @Column('timestamptz') createdAt!: Date;
}
