import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A client's correlation settings, over the defaults. */
@Entity()
export class RuleOverride {
  @PrimaryColumn('uuid') clientId!: string;
  @Column('jsonb') settings!: object;
  @Column('timestamptz') updatedAt!: Date;
}

export type RoutePurpose = 'alerts' | 'tickets' | 'rmm';

/** Which instance serves a client for what (its PSA for tickets, …). */
@Entity()
export class ClientRoute {
  @PrimaryColumn('uuid') clientId!: string;
  @PrimaryColumn('uuid') instanceId!: string;
  @PrimaryColumn('text') purpose!: RoutePurpose;
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

@Entity()
export class DeviceTimeline {
  @Column('bigint', { primary: true, generated: 'identity' }) id!: string;
  @Column('uuid') deviceId!: string;
  @Column('timestamptz') at!: Date;
  @Column('text') kind!: string;
  @Column('text') text!: string;
  @Column('jsonb') data!: object;
}
