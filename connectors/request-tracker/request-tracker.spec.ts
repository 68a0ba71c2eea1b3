import nock from 'nock';
import type { Connector, RawRecord, TicketDraft } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite, type ContractFixture } from '../contract/contract.suite';
import { requestTrackerConnector } from './index';
import type { RequestTrackerSettings } from './request-tracker.settings';
import error400Comment from './fixtures/error.400.comment.json';
import error400TicketSql from './fixtures/error.400.ticketsql.json';
import error401 from './fixtures/error.401.json';
import error404 from './fixtures/error.404.json';
import queueFixture from './fixtures/queue.get.json';
import commentResolveFixture from './fixtures/ticket-comment-resolve.post.json';
import commentFixture from './fixtures/ticket-comment.post.json';
import historyFoundFixture from './fixtures/ticket-history.found.get.json';
import historyNoneFixture from './fixtures/ticket-history.none.get.json';
import ticketFixture from './fixtures/ticket.get.json';
import createdFixture from './fixtures/ticket.post.json';
import putFixture from './fixtures/ticket.put.json';
import pullFixture from './fixtures/tickets.pull.get.json';
import searchFoundFixture from './fixtures/tickets.search-found.get.json';
import searchNoneFixture from './fixtures/tickets.search-none.get.json';

// ---------------------------------------------------------------------------------------------
// Fixture plumbing (fixtures recorded from RT 5.0.3 by test/real/request-tracker/record-fixtures.sh)

const TOKEN = '1-14-3b08907793578757fb455d3c73d74b7b';
const HOST = 'https://rt.example.com';
const API = '/REST/2.0';
/** The key and delivery marker the recorded tickets carry. */
const KEY = 'SB396031C79B';
const DELIVERY = { marker: 'SB-CD85AB8A3FA7' };
const OTHER = { marker: 'SB-77E0C4A9B2D1' };

const SETTINGS = {
  url: `${HOST}/`,
  token: TOKEN,
  queue: 'Switchboard',
  keyField: 'SwitchboardIncident',
  readQueues: ['Switchboard', 'General'],
  clientName: 'Acme Dental',
};

const DRAFT: TicketDraft = {
  correlationKey: KEY,
  summary: '[Switchboard] SRV-SQL01 is Degraded: MSSQLSERVER failed after KB5034441 (Acme Dental)',
  description: 'SRV-SQL01 is Degraded.',
  priority: 'high',
  client: { name: 'Acme Dental' },
  device: { name: 'SRV-SQL01' },
};

const CREATE_BODY = {
  Queue: 'Switchboard',
  Subject: `${DRAFT.summary} [SB-${KEY}]`,
  Content: DRAFT.description,
  ContentType: 'text/plain',
  Priority: 75,
  CustomFields: { SwitchboardIncident: KEY },
};

/** Every interceptor pins the token header and asks for JSON. */
function rt() {
  return nock(HOST, {
    reqheaders: { authorization: `token ${TOKEN}`, accept: 'application/json' },
    badheaders: ['cookie'],
  });
}

type Json = Record<string, unknown>;
const ticket = (over: Json = {}): Json => ({ ...structuredClone(ticketFixture), ...over });
const listed = (i: number, over: Json = {}): Json => ({
  ...structuredClone(pullFixture.items[i]),
  ...over,
});
const collection = (items: unknown[], over: Json = {}): Json => ({
  ...structuredClone(searchNoneFixture),
  items,
  count: items.length,
  total: items.length,
  ...over,
});

const KEY_QUERY = `'CF.{SwitchboardIncident}' = '${KEY}' OR Subject LIKE '[SB-${KEY}]'`;

function searchReplies(body: unknown, query = KEY_QUERY) {
  return rt()
    .get(`${API}/tickets`)
    .query({
      query,
      fields: 'Subject,Status,CustomFields',
      orderby: 'id',
      order: 'ASC',
      per_page: '25',
    })
    .reply(200, body as nock.Body);
}

function historyReplies(body: unknown, marker = DELIVERY.marker, id = '11') {
  return rt()
    .get(`${API}/ticket/${id}/history`)
    .query({
      query: JSON.stringify([{ field: 'Data', operator: 'LIKE', value: `[${marker}]` }]),
      fields: 'Type,Data',
      per_page: '25',
    })
    .reply(200, body as nock.Body);
}

function commentBody(text: string, marker = DELIVERY.marker, status?: string) {
  return {
    Subject: `Switchboard update [${marker}]`,
    Content: `${text}\n\n[${marker}]`,
    ContentType: 'text/plain',
    ...(status ? { Status: status } : {}),
  };
}

const PULL_FIELDS =
  'Subject,Status,Queue,Owner,Created,LastUpdated,LastUpdatedBy,Resolved,CustomFields';
/** The makeContext clock is 2026-11-24T02:30:00Z; the first walk reaches back 7 days. */
const FIRST_SCOPE = `Status = '__Active__' OR LastUpdated > '2026-11-17 02:30:00'`;
const QUEUES = `(Queue = 'Switchboard' OR Queue = 'General')`;

function pullReplies(scope: string, afterId: number, items: unknown[], perPage: number) {
  return rt()
    .get(`${API}/tickets`)
    .query({
      query: `${QUEUES} AND ${scope.includes(' OR ') ? `(${scope})` : scope} AND id > ${afterId}`,
      fields: PULL_FIELDS,
      orderby: 'id',
      order: 'ASC',
      per_page: String(perPage),
      page: '1',
    })
    .reply(200, collection(items, { per_page: perPage }) as nock.Body);
}

/** pageSize 1: ticket 11, ticket 12, then an empty page. */
function arrangeTicketWalk() {
  pullReplies(FIRST_SCOPE, 0, [listed(0)], 1);
  pullReplies(FIRST_SCOPE, 11, [listed(1)], 1);
  pullReplies(FIRST_SCOPE, 12, [], 1);
}

const fixture: ContractFixture<RequestTrackerSettings> = {
  definition: requestTrackerConnector,
  validSettings: SETTINGS,
  requiredFields: ['url', 'token', 'queue'],
  failingCall: {
    arrange(status, headers, body) {
      rt()
        .get(`${API}/ticket/11/history`)
        .query(true)
        .reply(status, body as nock.Body, headers);
    },
    act: (connector) => connector.noteTicket!({ id: '11' }, 'note', DELIVERY),
  },
  pulls: {
    tickets: {
      settings: { pageSize: 1 },
      arrange: arrangeTicketWalk,
      keys: ['ticket:11:2026-12-05T12:19:07Z:open', 'ticket:12:2026-12-05T12:19:07Z:new'],
    },
  },
  upsertTicket: {
    draft: DRAFT,
    arrangeCreate() {
      searchReplies(searchNoneFixture);
      rt().post(`${API}/ticket`, CREATE_BODY).reply(201, createdFixture);
    },
    arrangeUpdate() {
      searchReplies(searchFoundFixture);
    },
  },
};

function connectorWith(overrides: Record<string, unknown> = {}): Connector {
  return requestTrackerConnector.create(
    makeContext({ ...fixture, validSettings: { ...SETTINGS, ...overrides } }),
  );
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected the call to fail with a ConnectorError');
}

runContractSuite(fixture);

describe('request-tracker connector', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());

  describe('upsertTicket', () => {
    it('searches the key in the custom field and the subject marker, then creates one ticket', async () => {
      searchReplies(searchNoneFixture);
      rt().post(`${API}/ticket`, CREATE_BODY).reply(201, createdFixture);
      await expect(connectorWith().upsertTicket!(DRAFT)).resolves.toEqual({ id: '11' });
      expect(nock.isDone()).toBe(true);
    });

    it('finds the ticket by its subject marker when RT dropped the custom field value', async () => {
      // A crash between create and save, with a CF not applied to the queue: the subject holds.
      const dropped = listed(0, { Status: 'new', CustomFields: '' });
      searchReplies(collection([dropped]));
      await expect(connectorWith().upsertTicket!(DRAFT)).resolves.toEqual({ id: '11' });
      expect(nock.isDone()).toBe(true);
    });

    it('searches and creates by the subject marker alone without a key field', async () => {
      searchReplies(searchNoneFixture, `Subject LIKE '[SB-${KEY}]'`);
      const { CustomFields: _dropped, ...body } = CREATE_BODY;
      rt().post(`${API}/ticket`, body).reply(201, createdFixture);
      await expect(connectorWith({ keyField: undefined }).upsertTicket!(DRAFT)).resolves.toEqual({
        id: '11',
      });
      expect(nock.isDone()).toBe(true);
    });

    it('ignores a ticket LIKE matched for a longer key and prefers the active one of ours', async () => {
      const longer = listed(0, {
        id: '9',
        Subject: `Other [SB-${KEY}0]`,
        CustomFields: '',
        Status: 'new',
      });
      const resolved = listed(0, { id: '10', Status: 'resolved' });
      const active = listed(0, { id: '11', Status: 'open' });
      searchReplies(collection([longer, resolved, active]));
      await expect(connectorWith().upsertTicket!(DRAFT)).resolves.toEqual({ id: '11' });
      expect(nock.isDone()).toBe(true);
    });

    it('maps the incident priority onto RT numbers and keeps the subject within 200 characters', async () => {
      const long = { ...DRAFT, priority: 'low' as const, summary: 'x'.repeat(300) };
      searchReplies(searchNoneFixture);
      rt()
        .post(`${API}/ticket`, (body: { Subject: string; Priority: number }) => {
          return (
            body.Priority === 25 &&
            body.Subject.length === 200 &&
            body.Subject.endsWith(`… [SB-${KEY}]`)
          );
        })
        .reply(201, createdFixture);
      await connectorWith().upsertTicket!(long);
      expect(nock.isDone()).toBe(true);
    });

    it('escapes quotes in TicketSQL values and hashes a key with odd characters', async () => {
      const odd = { ...DRAFT, correlationKey: "it's/odd" };
      const query = (q: string) =>
        q.startsWith(`'CF.{SwitchboardIncident}' = 'it\\'s/odd' OR Subject LIKE '[SB-#`) &&
        /\[SB-#[0-9a-f]{24}\]'$/.test(q);
      rt()
        .get(`${API}/tickets`)
        .query((q) => query(String(q.query)))
        .reply(200, searchNoneFixture);
      rt().post(`${API}/ticket`).reply(201, createdFixture);
      await connectorWith().upsertTicket!(odd);
      expect(nock.isDone()).toBe(true);
    });

    it('refuses a draft without a key before any call', async () => {
      const err = await failure(connectorWith().upsertTicket!({ ...DRAFT, correlationKey: ' ' }));
      expect(err.reason).toBe('invalid');
    });
  });

  describe('noteTicket', () => {
    it('comments with the delivery marker in the subject and the last line', async () => {
      historyReplies(historyNoneFixture);
      rt()
        .post(`${API}/ticket/11/comment`, commentBody('Also failing: W3SVC.'))
        .reply(201, commentFixture);
      await connectorWith().noteTicket!({ id: '11' }, 'Also failing: W3SVC.\n', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('adds nothing when the history already holds the marker (a retry after a lost answer)', async () => {
      historyReplies(historyFoundFixture);
      await connectorWith().noteTicket!({ id: '11' }, 'Also failing: W3SVC.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('comments when only another delivery is in the history', async () => {
      historyReplies(historyFoundFixture, OTHER.marker);
      rt()
        .post(`${API}/ticket/11/comment`, commentBody('Linked.', OTHER.marker))
        .reply(201, commentFixture);
      await connectorWith().noteTicket!({ id: '11' }, 'Linked.', OTHER);
      expect(nock.isDone()).toBe(true);
    });

    it('refuses a bad ticket id or marker before any call', async () => {
      const c = connectorWith();
      expect((await failure(c.noteTicket!({ id: '11/x' }, 'n', DELIVERY))).reason).toBe('invalid');
      expect((await failure(c.noteTicket!({ id: '11' }, 'n', { marker: "SB-'" }))).reason).toBe(
        'invalid',
      );
    });

    it('reports RT refusing the comment as invalid with its message', async () => {
      historyReplies(historyNoneFixture, DELIVERY.marker, '999999');
      rt().post(`${API}/ticket/999999/comment`).reply(400, error400Comment);
      const err = await failure(connectorWith().noteTicket!({ id: '999999' }, 'n', DELIVERY));
      expect(err.reason).toBe('invalid');
      expect(err.message).toContain('Message could not be recorded');
    });
  });

  describe('closeTicket', () => {
    it('comments and resolves in one call', async () => {
      rt()
        .get(`${API}/ticket/11`)
        .reply(200, ticket({ Status: 'new' }));
      historyReplies(historyNoneFixture);
      rt()
        .post(`${API}/ticket/11/comment`, commentBody('Recovered.', DELIVERY.marker, 'resolved'))
        .reply(201, commentResolveFixture);
      await connectorWith().closeTicket!({ id: '11' }, 'Recovered.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('only sets the status when the comment landed before (a retry)', async () => {
      rt()
        .get(`${API}/ticket/11`)
        .reply(200, ticket({ Status: 'open' }));
      historyReplies(historyFoundFixture);
      rt().put(`${API}/ticket/11`, { Status: 'resolved' }).reply(200, putFixture);
      await connectorWith().closeTicket!({ id: '11' }, 'Recovered.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('leaves a resolved ticket alone', async () => {
      rt()
        .get(`${API}/ticket/11`)
        .reply(200, ticket({ Status: 'resolved' }));
      await connectorWith().closeTicket!({ id: '11' }, 'Recovered.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('only comments on a ticket a technician owns, unless closeOwnedTickets', async () => {
      const owned = ticket({ Status: 'open', Owner: { type: 'user', id: 'alice' } });
      rt().get(`${API}/ticket/11`).reply(200, owned);
      historyReplies(historyNoneFixture);
      rt().post(`${API}/ticket/11/comment`, commentBody('Recovered.')).reply(201, commentFixture);
      await connectorWith().closeTicket!({ id: '11' }, 'Recovered.', DELIVERY);
      expect(nock.isDone()).toBe(true);

      rt().get(`${API}/ticket/11`).reply(200, owned);
      historyReplies(historyNoneFixture);
      rt()
        .post(`${API}/ticket/11/comment`, commentBody('Recovered.', DELIVERY.marker, 'done'))
        .reply(201, commentResolveFixture);
      const c = connectorWith({ closeOwnedTickets: true, resolvedStatus: 'done' });
      await c.closeTicket!({ id: '11' }, 'Recovered.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });
  });

  describe('reopenTicket', () => {
    it('moves a resolved ticket back to open with the comment, in one call', async () => {
      rt()
        .get(`${API}/ticket/11`)
        .reply(200, ticket({ Status: 'resolved' }));
      historyReplies(historyNoneFixture);
      rt()
        .post(`${API}/ticket/11/comment`, commentBody('It is back.', DELIVERY.marker, 'open'))
        .reply(201, commentResolveFixture);
      await connectorWith().reopenTicket!({ id: '11' }, 'It is back.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('only comments on a ticket still active', async () => {
      rt()
        .get(`${API}/ticket/11`)
        .reply(200, ticket({ Status: 'open' }));
      historyReplies(historyNoneFixture);
      rt().post(`${API}/ticket/11/comment`, commentBody('It is back.')).reply(201, commentFixture);
      await connectorWith().reopenTicket!({ id: '11' }, 'It is back.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('reopens without a second comment when the comment landed before', async () => {
      rt()
        .get(`${API}/ticket/11`)
        .reply(200, ticket({ Status: 'resolved' }));
      historyReplies(historyFoundFixture);
      rt().put(`${API}/ticket/11`, { Status: 'open' }).reply(200, putFixture);
      await connectorWith().reopenTicket!({ id: '11' }, 'It is back.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });
  });

  describe('pullTickets', () => {
    it('reads changes since the newest seen, minus the overlap, in the RT user time zone', async () => {
      const cursor = JSON.stringify({ floor: '2026-12-05T12:09:07.000Z', afterId: 0, high: null });
      pullReplies(`LastUpdated > '2026-12-05 13:09:07'`, 0, [listed(1)], 100);
      const page = await connectorWith({ timezone: 'Europe/Berlin' }).pullTickets!(cursor);
      expect(page.more).toBe(false);
      expect(page.records.map((r) => r.dedupeKey)).toEqual(['ticket:12:2026-12-05T12:19:07Z:new']);
      expect(JSON.parse(page.cursor!)).toEqual({
        floor: '2026-12-05T12:09:07.000Z',
        afterId: 0,
        high: '2026-12-05T12:19:07.000Z',
      });
      expect(nock.isDone()).toBe(true);
    });

    it('reads only the incident queue when no read queues are set', async () => {
      rt()
        .get(`${API}/tickets`)
        .query((q) => q.query === `Queue = 'Switchboard' AND (${FIRST_SCOPE}) AND id > 0`)
        .reply(200, collection([]));
      await connectorWith({ readQueues: undefined }).pullTickets!(null);
      expect(nock.isDone()).toBe(true);
    });

    it('refuses a malformed cursor', async () => {
      const err = await failure(connectorWith().pullTickets!('{"floor": 3}'));
      expect(err.reason).toBe('invalid');
    });

    it('names a broken TicketSQL as invalid without RT internals', async () => {
      rt().get(`${API}/tickets`).query(true).reply(400, error400TicketSql);
      const err = await failure(connectorWith().pullTickets!(null));
      expect(err.reason).toBe('invalid');
      expect(err.message).toContain('Incomplete query');
      expect(err.message).not.toContain('/usr/share');
    });
  });

  describe('normalize', () => {
    const record = async (): Promise<RawRecord[]> => {
      pullReplies(FIRST_SCOPE, 0, pullFixture.items, 100);
      return (await connectorWith().pullTickets!(null)).records;
    };

    it('maps our ticket with its key and a user ticket with the client, for linking', async () => {
      const [ours, user] = (await record()).flatMap((r) => connectorWith().normalize(r));
      expect(ours).toEqual({
        type: 'ticket',
        sourceId: '11',
        occurredAt: new Date('2026-12-05T12:19:07Z'),
        client: { name: 'Acme Dental' },
        ticketId: '11',
        summary: pullFixture.items[0].Subject,
        status: 'open',
        correlationKey: KEY,
      });
      expect(user).toMatchObject({
        ticketId: '12',
        client: { name: 'Acme Dental' },
        summary: 'Accounting cannot reach the database on SRV-SQL01',
        status: 'open',
        correlationKey: undefined,
      });
    });

    it('says who resolved a ticket (its last updater) and reads a key from the subject alone', () => {
      const raw: RawRecord = {
        type: 'ticket',
        dedupeKey: 'ticket:11:x',
        payload: { ticket: listed(0, { Status: 'resolved', CustomFields: '' }) },
      };
      expect(connectorWith().normalize(raw)).toEqual([
        expect.objectContaining({ status: 'closed', closedBy: 'root', correlationKey: KEY }),
      ]);
    });

    it('counts a lifecycle of its own resolved status as closed', () => {
      const raw: RawRecord = {
        type: 'ticket',
        dedupeKey: 'ticket:11:y',
        payload: { ticket: listed(0, { Status: 'done' }), resolvedStatus: 'done' },
      };
      expect(connectorWith().normalize(raw)[0]).toMatchObject({ status: 'closed' });
    });

    it('rejects a record of another shape, naming the field', () => {
      const bad: RawRecord = { type: 'ticket', dedupeKey: 'k', payload: { ticket: { id: '1' } } };
      expect(() => connectorWith().normalize(bad)).toThrow('ticket record.ticket.Subject');
      expect(() => connectorWith().normalize({ ...bad, type: 'queue' })).toThrow(ConnectorError);
    });
  });

  describe('errors and check', () => {
    it('classifies the recorded 401 as auth, a redirect to the login page too', async () => {
      rt().get(`${API}/ticket/11/history`).query(true).reply(401, error401);
      expect((await failure(connectorWith().noteTicket!({ id: '11' }, 'n', DELIVERY))).reason).toBe(
        'auth',
      );
      rt().get(`${API}/ticket/11/history`).query(true).reply(302, '', { Location: '/' });
      expect((await failure(connectorWith().noteTicket!({ id: '11' }, 'n', DELIVERY))).reason).toBe(
        'auth',
      );
    });

    it('reports both capabilities ok when the queues exist and the key field applies', async () => {
      rt().get(`${API}/queue/Switchboard`).times(2).reply(200, queueFixture);
      rt()
        .get(`${API}/queue/General`)
        .reply(200, { ...queueFixture, id: 1, Name: 'General' });
      await expect(connectorWith().check()).resolves.toEqual({
        'tickets.read': { status: 'ok' },
        'tickets.write': { status: 'ok' },
      });
      expect(nock.isDone()).toBe(true);
    });

    it('reports a missing queue and a key field RT would drop', async () => {
      rt()
        .get(`${API}/queue/Switchboard`)
        .reply(200, { ...queueFixture, TicketCustomFields: [] });
      rt()
        .get(`${API}/queue/Switchboard`)
        .reply(200, { ...queueFixture, TicketCustomFields: [] });
      rt().get(`${API}/queue/General`).reply(404, error404);
      const report = await connectorWith().check();
      expect(report['tickets.read']).toMatchObject({ status: 'error' });
      expect(report['tickets.read']?.detail).toContain('GET');
      expect(report['tickets.write']).toEqual({
        status: 'error',
        detail:
          'custom field "SwitchboardIncident" does not apply to queue "Switchboard" (RT would drop its value)',
      });
    });
  });
});
