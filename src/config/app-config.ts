import { Env } from './env';

/** The typed configuration the rest of the code reads (never process.env). */
export class AppConfig {
  constructor(
    readonly env: Env,
    /** Decoded 32-byte key for credentials encryption. */
    readonly secretKey: Buffer,
    /** Resolved database URL (the embedded server's when DATABASE_URL is unset). */
    readonly databaseUrl: string,
    readonly embedded: boolean,
    /** This process, for leases: which replica holds what. */
    readonly replicaId: string,
  ) {}

  get publicUrl(): string {
    return (this.env.SWITCHBOARD_PUBLIC_URL ?? `http://localhost:${this.env.PORT}`).replace(
      /\/$/,
      '',
    );
  }
}
