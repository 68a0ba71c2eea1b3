import { Logger } from '@nestjs/common';

/**
 * Runs `work` repeatedly: every `intervalMs`, immediately again while it reports more to do,
 * and on `nudge()`. `stop()` waits for the run in flight, so shutdown never cuts work in half.
 */
export class WorkerLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<boolean>,
    private readonly logger = new Logger(name),
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs until there is nothing left (tests and the CLI use it). */
  async drain(maxRounds = 1000): Promise<void> {
    for (let i = 0; i < maxRounds && (await this.work()); i++);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), ms);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    if (this.running || this.stopped) return;
    let more = false;
    this.running = (async () => {
      try {
        more = await this.work();
      } catch (err) {
        this.logger.error(
          { error: (err as Error).message, stack: (err as Error).stack },
          `${this.name} failed: ${(err as Error).message}`,
        );
      }
    })();
    await this.running;
    this.running = null;
    const soon = more || this.again;
    this.again = false;
    this.schedule(soon ? 0 : this.intervalMs);
  }
}
