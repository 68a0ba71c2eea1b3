import type { PagingMessage, RollbackResult } from '../../connectors/contract/connector';
import type { ServiceState } from '../../connectors/contract/canonical';
import type { FakeTicket } from './fake-tools';
import { StubVendor, type StubRequest, type StubResponse } from './stub-vendor';

/**
 * What a vendor under stress does to a request instead of serving it: rate-limits it, fails it,
 * or serves it and loses the answer (the caller cannot tell the work was done).
 */
export type FaultKind = '429' | '500' | '503' | 'answer-lost';
export const FAULT_KINDS: readonly FaultKind[] = ['429', '500', '503', 'answer-lost'];

/** How the vendor behaves: a delay per request, and a chance of a fault. */
export interface VendorWeather {
  /** Each request waits a uniformly drawn time in [min, max] ms before it is handled. */
  latencyMs?: readonly [number, number];
  /** Chance (0..1) that a request meets one of `faultKinds` (drawn evenly). */
  faultRate?: number;
  faultKinds?: readonly FaultKind[];
}

/** The state behind the fake tools: notes on problems, tickets, device services. */
export class FakeVendor {
  readonly notes: { problemId: string; text: string }[] = [];
  /** Closes performed, with the note each carried (null: the connector found its note there). */
  readonly closes: { ticketId: string; note: string | null }[] = [];
  /** Faults injected, in order, with the request each hit. */
  readonly faults: { kind: FaultKind; method: string; path: string }[] = [];
  readonly tickets: FakeTicket[] = [];
  readonly services = new Map<string, ServiceState[]>();
  readonly rollbacks: { deviceId: string; patchId: string }[] = [];
  /** What each rollback job reports; a job without an entry is still running. */
  readonly rollbackResults = new Map<string, RollbackResult>();
  /** Pages sent, with the delivery marker of each (a retry repeats its marker). */
  readonly pages: (PagingMessage & { marker: string })[] = [];
  /** Called when a ticket is created, before the answer goes out (crash tests kill here). */
  onTicketCreated: (t: FakeTicket) => void = () => undefined;
  readonly stub: StubVendor;
  private seq = 0;

  private weather: VendorWeather = {};

  /** `random` draws latencies and faults: a seeded one makes a storm repeatable. */
  constructor(private readonly random: () => number = Math.random) {
    this.stub = new StubVendor((req) => this.serve(req));
  }

  /** Changes how the vendor behaves from the next request on; `{}` is a calm vendor. */
  setWeather(weather: VendorWeather): this {
    this.weather = weather;
    const [min, max] = weather.latencyMs ?? [0, 0];
    this.stub.latency = () => min + this.random() * (max - min);
    return this;
  }

  async start(): Promise<this> {
    await this.stub.start();
    return this;
  }

  get url(): string {
    return this.stub.url;
  }

  private touch(t: FakeTicket): void {
    t.updatedAt = new Date(Date.now() + this.seq++).toISOString();
  }

  openUserTicket(client: string, host: string | null, summary: string): FakeTicket {
    const t: FakeTicket = {
      id: `T${100 + this.tickets.length}`,
      key: null,
      summary,
      description: '',
      client,
      host,
      status: 'open',
      notes: [],
      updatedAt: '',
    };
    this.touch(t);
    this.tickets.push(t);
    return t;
  }

  closeAsTechnician(id: string, who: string): void {
    const t = this.tickets.find((x) => x.id === id)!;
    t.status = 'closed';
    t.closedBy = who;
    this.touch(t);
  }

  private serve(req: StubRequest): StubResponse {
    const { faultRate = 0, faultKinds = FAULT_KINDS } = this.weather;
    if (faultKinds.length === 0 || this.random() >= faultRate) return this.handle(req);
    const kind = faultKinds[Math.floor(this.random() * faultKinds.length)];
    this.faults.push({ kind, method: req.method, path: req.path });
    switch (kind) {
      case '429':
        return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' } };
      case '500':
        return { status: 500, body: { error: 'internal error' } };
      case '503':
        return { status: 503, body: { error: 'unavailable' } };
      case 'answer-lost':
        return { ...this.handle(req), dropAnswer: true };
    }
  }

  private handle(req: StubRequest): StubResponse {
    const url = new URL(req.path, 'http://x');
    const body = req.body ? JSON.parse(req.body) : {};
    let m: RegExpExecArray | null;
    if (url.pathname === '/pager/events' && req.method === 'POST') {
      this.pages.push({ ...body.message, marker: body.marker });
      return { status: 202, body: { status: 'success' } };
    }
    if ((m = /^\/monitor\/problems\/([^/]+)\/notes$/.exec(url.pathname)) && req.method === 'POST') {
      this.notes.push({ problemId: m[1], text: body.text });
      return { status: 200, body: { ok: true } };
    }
    if ((m = /^\/monitor\/problems\/([^/]+)\/notes$/.exec(url.pathname)) && req.method === 'GET') {
      const id = m[1];
      return { status: 200, body: this.notes.filter((n) => n.problemId === id).map((n) => n.text) };
    }
    if (url.pathname === '/psa/tickets' && req.method === 'GET') {
      const key = url.searchParams.get('key');
      const since = url.searchParams.get('since');
      if (key !== null) return { status: 200, body: this.tickets.filter((t) => t.key === key) };
      return { status: 200, body: this.tickets.filter((t) => !since || t.updatedAt > since) };
    }
    if (url.pathname === '/psa/tickets' && req.method === 'POST') {
      const t: FakeTicket = {
        id: `T${100 + this.tickets.length}`,
        key: body.key,
        summary: body.summary,
        description: body.description,
        client: body.client,
        host: body.host,
        status: 'open',
        notes: [],
        updatedAt: '',
      };
      this.touch(t);
      this.tickets.push(t);
      this.onTicketCreated(t);
      return { status: 201, body: t };
    }
    if ((m = /^\/psa\/tickets\/([^/]+)\/notes$/.exec(url.pathname)) && req.method === 'GET') {
      const t = this.tickets.find((x) => x.id === m![1]);
      return t ? { status: 200, body: t.notes } : { status: 404, body: {} };
    }
    if (
      (m = /^\/psa\/tickets\/([^/]+)\/(notes|close|reopen)$/.exec(url.pathname)) &&
      req.method === 'POST'
    ) {
      const t = this.tickets.find((x) => x.id === m![1]);
      if (!t) return { status: 404, body: {} };
      if (m[2] === 'notes') t.notes.push(body.text);
      else {
        // close/reopen without a note: the connector found its note there already (a retry).
        if (typeof body.note === 'string') t.notes.push(body.note);
        if (m[2] === 'close')
          this.closes.push({
            ticketId: t.id,
            note: typeof body.note === 'string' ? body.note : null,
          });
        t.status = m[2] === 'reopen' ? 'open' : 'closed';
        t.closedBy = m[2] === 'reopen' ? undefined : 'switchboard';
      }
      this.touch(t);
      return { status: 200, body: t };
    }
    if ((m = /^\/rmm\/devices\/([^/]+)\/services$/.exec(url.pathname)))
      return { status: 200, body: this.services.get(m[1]) ?? [] };
    if ((m = /^\/rmm\/devices\/([^/]+)\/rollback$/.exec(url.pathname)) && req.method === 'POST') {
      this.rollbacks.push({ deviceId: m[1], patchId: body.patchId });
      return { status: 200, body: { jobId: `job-${this.rollbacks.length}`, status: 'queued' } };
    }
    if ((m = /^\/rmm\/devices\/([^/]+)\/jobs\/([^/]+)$/.exec(url.pathname)))
      return {
        status: 200,
        body: this.rollbackResults.get(m[2]) ?? {
          state: 'running',
          detail: 'queued on the device',
        },
      };
    return { status: 404, body: { error: `no route ${req.method} ${url.pathname}` } };
  }

  /** The RMM's script run for the n-th rollback (1-based) finished with this result. */
  finishRollback(n: number, result: RollbackResult): void {
    this.rollbackResults.set(`job-${n}`, result);
  }

  stop(): Promise<void> {
    return this.stub.stop();
  }
}
