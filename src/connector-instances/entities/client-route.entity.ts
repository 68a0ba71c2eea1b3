import { Entity, PrimaryColumn } from 'typeorm';

export type RoutePurpose = 'alerts' | 'tickets' | 'rmm' | 'paging';

/** Which instance serves a client for what (its PSA for tickets, …). */
@Entity()
export class ClientRoute {
  @PrimaryColumn('uuid') clientId!: string;
  @PrimaryColumn('uuid') instanceId!: string;
  @PrimaryColumn('text') purpose!: RoutePurpose;
}
