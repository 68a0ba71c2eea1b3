/**
 * The connector's own calls against a real Request Tracker 5, without the core: the key search
 * finds what create wrote (custom field and subject marker), a retried comment is written once,
 * resolve and reopen are safe to repeat, and a ticket walk pages to its end. Needs RT_URL and
 * RT_TOKEN (test/real/request-tracker/setup.sh).
 */
import { randomBytes } from 'node:crypto';
import type { Connector, TicketDraft } from '../../../connectors/contract/connector';
import { parseSettings } from '../../../connectors/contract/settings';
import { requestTrackerConnector } from '../../../connectors/request-tracker';
import { createHttp } from '../../../connectors/shared/http';
import { realRt, RtAdmin } from './rt-admin';

jest.setTimeout(60_000);

const rt = realRt();
const hex = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();

function connector(settings: Record<string, unknown> = {}): Connector {
  return requestTrackerConnector.create({
    instanceId: '00000000-0000-4000-8000-00000000a001',
    settings: parseSettings(requestTrackerConnector.settings, {
      url: rt.url,
      token: rt.token,
      queue: rt.queue,
      keyField: rt.keyField,
      ...settings,
    }),
    http: createHttp({ timeoutMs: 15_000 }),
    clock: () => new Date(),
  });
}

describe('request-tracker connector against a real RT 5', () => {
  const admin = new RtAdmin(rt);
  const key = `SB${hex(5)}`;
  const draft: TicketDraft = {
    correlationKey: key,
    summary: `[Switchboard] SRV-${key} is Offline`,
    description: 'SRV is Offline. Trigger: Post-Patch Reboot (KB5034441).',
    priority: 'critical',
  };
  let id = '';

  beforeAll(() => {
    if (!rt.url || !rt.token)
      throw new Error('RT_URL/RT_TOKEN are not set: run test/real/request-tracker/setup.sh first');
  });

  it('creates once, and finds the ticket again by the key field or the subject alone', async () => {
    const first = await connector().upsertTicket!(draft);
    id = first.id;
    // A second call is what a retry after a crash between create and save makes.
    await expect(connector().upsertTicket!(draft)).resolves.toEqual(first);
    await expect(connector({ keyField: undefined }).upsertTicket!(draft)).resolves.toEqual(first);
    const found = await admin.search(`'CF.{${rt.keyField}}' = '${key}'`);
    expect(found.map((t) => t.id)).toEqual([id]);
    const ticket = await admin.ticket(id);
    expect(ticket.Subject).toBe(`${draft.summary} [SB-${key}]`);
    expect(ticket).toMatchObject({ Status: 'new', Priority: '100' });
  });

  it('comments once per delivery marker, resolves and reopens once', async () => {
    const c = connector();
    const note = { marker: `SB-${hex(6)}` };
    await c.noteTicket!({ id }, 'Also failing: W3SVC.', note);
    await c.noteTicket!({ id }, 'Also failing: W3SVC.', note);
    expect(await admin.comments(id)).toHaveLength(1);

    const close = { marker: `SB-${hex(6)}` };
    await c.closeTicket!({ id }, 'Recovered.', close);
    await c.closeTicket!({ id }, 'Recovered.', close);
    expect((await admin.ticket(id)).Status).toBe('resolved');
    expect(await admin.comments(id)).toHaveLength(2);

    const reopen = { marker: `SB-${hex(6)}` };
    await c.reopenTicket!({ id }, 'It is back.', reopen);
    await c.reopenTicket!({ id }, 'It is back.', reopen);
    expect((await admin.ticket(id)).Status).toBe('open');
    const comments = await admin.comments(id);
    expect(comments).toHaveLength(3);
    expect(comments[2].Content).toBe(`It is back.\n\n[${reopen.marker}]`);
  });

  it('walks the queue page by page to its end and sees the technician resolve', async () => {
    await admin.setStatus(id, 'resolved');
    const c = connector({ pageSize: 2 });
    const keys: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 500; page++) {
      const result = await c.pullTickets!(cursor);
      keys.push(...result.records.map((r) => r.dedupeKey));
      const mine = result.records.find((r) => r.dedupeKey.startsWith(`ticket:${id}:`));
      if (mine) {
        expect(c.normalize(mine)).toEqual([
          expect.objectContaining({
            ticketId: id,
            status: 'closed',
            closedBy: 'root',
            correlationKey: key,
          }),
        ]);
      }
      cursor = result.cursor ?? cursor;
      if (!result.more) break;
    }
    expect(keys.some((k) => k.startsWith(`ticket:${id}:`))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    // From the saved cursor, the next walk reads back the overlap only: the ticket again.
    const again = await connector().pullTickets!(cursor);
    expect(again.records.map((r) => r.dedupeKey)).toContain(
      keys.find((k) => k.startsWith(`ticket:${id}:`)),
    );
  });
});
