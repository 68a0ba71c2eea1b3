/**
 * Plain REST 2.0 calls for arranging and reading the real RT (a user's ticket, a technician's
 * resolve, what a ticket holds). The connector under test never uses this, so a bug in it cannot
 * hide behind the same bug here.
 */

export interface RealRt {
  url: string;
  token: string;
  queue: string;
  keyField: string;
}

export function realRt(): RealRt {
  return {
    url: process.env.RT_URL ?? '',
    token: process.env.RT_TOKEN ?? '',
    queue: process.env.RT_QUEUE ?? 'Switchboard',
    keyField: process.env.RT_KEY_FIELD ?? 'SwitchboardIncident',
  };
}

export interface RtListedTicket {
  id: string;
  Subject: string;
  Status: string;
  CustomFields?: { name: string; values: string[] }[];
}

export interface RtListedAttachment {
  id: string;
  Subject: string;
  Content: string;
  TransactionId: string;
}

export class RtAdmin {
  constructor(private readonly rt: RealRt) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.rt.url}/REST/2.0${path}`, {
      method,
      headers: {
        Authorization: `token ${this.rt.token}`,
        Accept: 'application/json',
        'User-Agent': 'switchboard-real-spec',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async search(query: string, fields = 'Subject,Status,CustomFields'): Promise<RtListedTicket[]> {
    const qs = new URLSearchParams({ query, fields, orderby: 'id', per_page: '100' });
    return (await this.call<{ items: RtListedTicket[] }>('GET', `/tickets?${qs}`)).items;
  }

  async ticket(id: string): Promise<RtListedTicket> {
    return this.call<RtListedTicket>('GET', `/ticket/${id}`);
  }

  /** Every message on the ticket (the create's text, comments), oldest first. */
  async messages(id: string): Promise<RtListedAttachment[]> {
    const qs = new URLSearchParams({
      fields: 'Subject,Content,TransactionId',
      orderby: 'id',
      per_page: '100',
    });
    const page = await this.call<{ items: RtListedAttachment[] }>(
      'GET',
      `/ticket/${id}/attachments?${qs}`,
    );
    return page.items;
  }

  /** The comments Switchboard wrote (RT's autoreply mails are attachments too). */
  async comments(id: string): Promise<RtListedAttachment[]> {
    return (await this.messages(id)).filter((m) => m.Subject.startsWith('Switchboard update'));
  }

  async createTicket(fields: Record<string, unknown>): Promise<string> {
    const created = await this.call<{ id: string }>('POST', '/ticket', fields);
    return String(created.id);
  }

  async setStatus(id: string, status: string): Promise<void> {
    await this.call('PUT', `/ticket/${id}`, { Status: status });
  }
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`, naming `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  everyMs = 250,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
