import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that can black-hole the path: while `blackHole` is on,
 * nothing passes either way and nothing is refused (no RST, no FIN) — the way a database
 * behind a failed network looks to the service. A new connection is accepted but reaches the
 * database only once the path is back, like a SYN retransmitted until it gets through.
 *
 * `mode: 'hold'` (the default) keeps what was sent meanwhile and delivers it when the hole
 * closes, as TCP's retransmissions do after a short outage. `mode: 'drop'` discards it for
 * good: the connections open during the hole never work again (a NAT or firewall that lost its
 * state, a database that failed over elsewhere), which only discarding them can recover from.
 */
export class BlackHoleProxy {
  private hole = false;
  /** What the hole held back, in the order it happened (replayed in that order). */
  private held: (() => void)[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: { mode?: 'hold' | 'drop' } = {}) {}

  get blackHole(): boolean {
    return this.hole;
  }

  set blackHole(on: boolean) {
    this.hole = on;
    if (on) return;
    const replay = this.held;
    this.held = [];
    for (const step of replay) step();
  }

  async start(target: { host: string; port: number }): Promise<number> {
    this.server = createServer((client) => this.relay(client, target));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as { port: number }).port;
  }

  /** `url` with its host replaced by this proxy (after `start`). */
  via(url: string): string {
    const proxied = new URL(url);
    proxied.host = `127.0.0.1:${(this.server!.address() as { port: number }).port}`;
    return proxied.toString();
  }

  private relay(client: Socket, target: { host: string; port: number }): void {
    let upstream: Socket | null = null;
    const drop = this.options.mode === 'drop';
    // Bytes in the hole are held or lost; the opening and the closing of a connection are
    // always only delayed, so a connection opened or closed meanwhile is not left dangling.
    const pass = (step: () => void, isData: boolean) => {
      if (!this.hole) step();
      else if (!(drop && isData)) this.held.push(step);
    };
    const track = (s: Socket) => {
      this.sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => this.sockets.delete(s));
    };
    const write = (s: Socket | null, chunk: Buffer) => {
      if (s && !s.destroyed) s.write(chunk);
    };
    track(client);
    pass(() => {
      const up = connect(target.port, target.host);
      upstream = up;
      track(up);
      up.on('data', (d: Buffer) => pass(() => write(client, d), true));
      // Either side gone: the other goes too (a dead replica's session must end in PostgreSQL,
      // or its locks would outlive it).
      up.on('close', () => pass(() => client.destroy(), false));
      if (client.destroyed) up.destroy();
    }, false);
    client.on('data', (d: Buffer) => pass(() => write(upstream, d), true));
    client.on('close', () => pass(() => upstream?.destroy(), false));
  }

  async stop(): Promise<void> {
    this.held = [];
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
