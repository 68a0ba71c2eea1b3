import { Column, Entity } from 'typeorm';

/** What happened to a device outside any incident (verification results, …). */
@Entity()
export class DeviceTimeline {
  @Column('bigint', { primary: true, generated: 'identity' }) id!: string;
  @Column('uuid') deviceId!: string;
  @Column('timestamptz') at!: Date;
  @Column('text') kind!: string;
  @Column('text') text!: string;
  @Column('jsonb') data!: object;
}
