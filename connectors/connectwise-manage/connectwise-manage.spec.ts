import { createHash } from 'node:crypto';
import nock from 'nock';
import type { Connector, InboundRequest, RawRecord, TicketDraft } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite, type ContractFixture } from '../contract/contract.suite';
import { createHttp } from '../shared/http';
import { connectwiseManageConnector } from './index';
import type { ConnectWiseManageSettings } from './connectwise-manage.settings';
import callbackTicketUpdated from './fixtures/callback.ticket-updated.json';
import companiesFixture from './fixtures/company-companies.get.json';
import configurationsFixture from './fixtures/company-configurations.get.json';
import error400 from './fixtures/error.400.json';
import error401 from './fixtures/error.401.json';
import error403 from './fixtures/error.403.json';
import error404 from './fixtures/error.404.json';
import error409 from './fixtures/error.409.json';
import error429 from './fixtures/error.429.json';
import error500 from './fixtures/error.500.json';
import statusesFixture from './fixtures/service-board-statuses.get.json';
import ticketConfigurationsFixture from './fixtures/service-ticket-configurations.get.json';
import attachedConfigurationFixture from './fixtures/service-ticket-configurations.post.json';
import notesFixture from './fixtures/service-ticket-notes.get.json';
import noteFixture from './fixtures/service-ticket-notes.post.json';
import ticketFixture from './fixtures/service-ticket.get.json';
import closedTicketFixture from './fixtures/service-ticket.patch.json';
import ticketsFixture from './fixtures/service-tickets.get.json';
import createdTicketFixture from './fixtures/service-tickets.post.json';

// ---------------------------------------------------------------------------------------------
// Fixture plumbing

const SECRET = 'whsec-cw-0123456789';
const PRIVATE_KEY = 'PrivKey456-secret';
const CLIENT_ID = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
// base64("switchmsp+PubKey123:PrivKey456-secret"), written out so a wrong encoding fails.
const AUTHORIZATION = 'Basic c3dpdGNobXNwK1B1YktleTEyMzpQcml2S2V5NDU2LXNlY3JldA==';
const ACCEPT = 'application/vnd.connectwise.com+json; version=2025.1';
const HOST = 'https://api-na.myconnectwise.net';
const API = '/v4_6_release/apis/3.0';

const SETTINGS = {
  site: 'na.myconnectwise.net', // the cloud host as users know it; the API lives on api-na…
  companyId: 'switchmsp',
  publicKey: 'PubKey123',
  privateKey: PRIVATE_KEY,
  clientId: CLIENT_ID,
  boardId: 12,
  closedStatusName: '>Closed',
  defaultCompanyIdentifier: 'MSPCATCH',
  priorityHighId: 4,
  priorityMediumId: 8,
};

function callbackRequest(
  body: unknown,
  query: Record<string, string> = { token: SECRET, recordId: '184101' },
  headers: Record<string, string> = {},
): InboundRequest {
  return { headers, query, rawBody: Buffer.from(JSON.stringify(body)), body };
}

/** One outbox delivery: the core's marker, stable across the retries of one message. */
const DELIVERY = { marker: 'SB-1A2B3C4D5E6F' };
const OTHER = { marker: 'SB-77E0C4A9B2D1' };
const marked = (text: string, marker = DELIVERY.marker) => `${text}\n\n[${marker}]`;

const internalNote = (text: string, marker = DELIVERY.marker) => ({
  text: marked(text, marker),
  detailDescriptionFlag: false,
  internalAnalysisFlag: true,
  resolutionFlag: false,
  processNotifications: false,
});

/** Every interceptor pins the credentials, the clientId and the pinned model version. */
function cw(host = HOST) {
  return nock(host, {
    reqheaders: { authorization: AUTHORIZATION, clientid: CLIENT_ID, accept: ACCEPT },
  });
}

function connectorWith(overrides: Record<string, unknown> = {}, webhookSecret = SECRET): Connector {
  return connectwiseManageConnector.create(
    makeContext({ ...fixture, validSettings: { ...SETTINGS, ...overrides }, webhookSecret }),
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

// Builders: vary the recorded shapes instead of hand-editing copies.
type Json = Record<string, unknown>;
const ticket = (over: Json = {}): Json => ({ ...structuredClone(ticketFixture), ...over });
const company = (i: number, over: Json = {}): Json => ({
  ...structuredClone(companiesFixture[i]),
  ...over,
});
const listedNote = (i: number, over: Json = {}): Json => ({
  ...structuredClone(notesFixture[i]),
  ...over,
});
const configuration = (i: number, over: Json = {}): Json => ({
  ...structuredClone(configurationsFixture[i]),
  ...over,
});

const DRAFT: TicketDraft = {
  correlationKey: 'inc-42',
  summary: 'srv-sql01 offline after KB5034441',
  description:
    "Server-01 is Offline. Trigger: Post-Patch Reboot (KB5034441). Service 'MSSQLSERVER' failed to start.",
  priority: 'high',
  client: { name: 'Acme Dental Ltd', externalId: '250' },
  device: { name: 'srv-sql01' },
};

const CREATE_BODY = {
  summary: 'srv-sql01 offline after KB5034441 [SB-inc-42]',
  recordType: 'ServiceTicket',
  board: { id: 12 },
  company: { id: 250 },
  priority: { id: 4 },
  externalXRef: 'SB:inc-42',
  initialDescription: DRAFT.description,
  processNotifications: false,
};

function searchReplies(fragment: string, rows: unknown[]) {
  return cw()
    .get(`${API}/service/tickets`)
    .query({
      conditions: `summary contains "${fragment}"`,
      orderBy: 'id asc',
      page: '1',
      pageSize: '25',
    })
    .reply(200, rows);
}

function companyReplies(conditions: string, rows: unknown[]) {
  return cw()
    .get(`${API}/company/companies`)
    .query({ conditions, page: '1', pageSize: '2' })
    .reply(200, rows);
}

function configurationReplies(conditions: string, rows: unknown[]) {
  return cw()
    .get(`${API}/company/configurations`)
    .query({ conditions, page: '1', pageSize: '2' })
    .reply(200, rows);
}

function statusesReply(rows: unknown[] = statusesFixture, boardId = 12) {
  return cw()
    .get(`${API}/service/boards/${boardId}/statuses`)
    .query({ conditions: 'inactive=false', page: '1', pageSize: '1000' })
    .reply(200, rows);
}

function notesQuery(marker: string) {
  return {
    conditions: `text contains "${marker}]"`,
    orderBy: 'id desc',
    page: '1',
    pageSize: '25',
  };
}

/** The look for a delivery marker among a ticket's notes, newest first. */
function notesReply(rows: unknown[], marker = DELIVERY.marker, host = HOST, api = API) {
  return cw(host)
    .get(`${api}/service/tickets/184233/notes`)
    .query(notesQuery(marker))
    .reply(200, rows);
}

/** The lookups and writes of one creation of DRAFT: company, device, ticket, attachment. */
function arrangeCreation() {
  companyReplies('id=250', [company(0)]);
  configurationReplies('name="srv-sql01" and company/id=250 and activeFlag=true', [
    configuration(0),
  ]);
  cw().post(`${API}/service/tickets`, CREATE_BODY).reply(201, createdTicketFixture);
  cw()
    .post(`${API}/service/tickets/184233/configurations`, { id: 5512 })
    .reply(201, attachedConfigurationFixture);
}

/** pullDevices with pageSize 2: companies over two pages, then configurations to an empty page. */
function arrangeDeviceWalk() {
  const page = (n: number) => ({ orderBy: 'id asc', page: String(n), pageSize: '2' });
  cw()
    .get(`${API}/company/companies`)
    .query(page(1))
    .reply(200, [company(0), company(1)]);
  cw()
    .get(`${API}/company/companies`)
    .query(page(2))
    .reply(200, [company(2)]);
  cw()
    .get(`${API}/company/configurations`)
    .query(page(1))
    .reply(200, [configuration(0), configuration(1)]);
  cw().get(`${API}/company/configurations`).query(page(2)).reply(200, []);
}

const ticketById = (id: number) => ticketsFixture.find((t) => t.id === id)!;

function attachedReply(id: number, rows: unknown[], pageSize = '2') {
  return cw()
    .get(`${API}/service/tickets/${id}/configurations`)
    .query({ page: '1', pageSize })
    .reply(200, rows);
}

function ticketsReply(conditions: string, rows: unknown[]) {
  return cw()
    .get(`${API}/service/tickets`)
    .query({ conditions, orderBy: 'id asc', page: '1', pageSize: '2' })
    .reply(200, rows);
}

/** The first scope of pullTickets at the suite's clock (2026-11-24T02:30:00Z), 7 days back. */
const FIRST_TICKET_SCOPE = '(closedFlag=false or lastUpdated > [2026-11-17T02:30:00Z])';

/** pullTickets' first walk with pageSize 2: a full page, then a short one, each with devices. */
function arrangeTicketWalk() {
  ticketsReply(`${FIRST_TICKET_SCOPE} and id > 0`, [ticketById(184101), ticketById(184233)]);
  attachedReply(184101, []);
  attachedReply(184233, ticketConfigurationsFixture);
  ticketsReply(`${FIRST_TICKET_SCOPE} and id > 184233`, [ticketById(184240)]);
  attachedReply(184240, []);
}

const fixture: ContractFixture<ConnectWiseManageSettings> = {
  definition: connectwiseManageConnector,
  validSettings: SETTINGS,
  requiredFields: [
    'site',
    'companyId',
    'publicKey',
    'privateKey',
    'clientId',
    'boardId',
    'closedStatusName',
  ],
  webhookSecret: SECRET,
  webhook: {
    valid: () => callbackRequest(callbackTicketUpdated),
    badSignature: () =>
      callbackRequest(callbackTicketUpdated, { token: 'wrong', recordId: '184101' }),
  },
  failingCall: {
    // The first call of a note is the look for its marker among the ticket's notes.
    arrange: (status, headers, body) =>
      cw()
        .get(`${API}/service/tickets/184233/notes`)
        .query(notesQuery(DELIVERY.marker))
        .reply(status, body as nock.Body, headers),
    act: (connector) => connector.noteTicket!({ id: '184233' }, 'Service recovered.', DELIVERY),
  },
  pulls: {
    devices: {
      arrange: arrangeDeviceWalk,
      keys: [
        'company:250:2026-11-20T09:12:44Z',
        'company:251:2026-11-22T16:40:03Z',
        'company:19300:2026-10-01T08:00:00Z',
        'configuration:5512:2026-11-23T22:05:10Z',
        'configuration:5540:2026-11-19T07:31:00Z',
      ],
      settings: { pageSize: 2 },
    },
    tickets: {
      arrange: arrangeTicketWalk,
      keys: [
        'ticket:184101:2026-11-21T11:03:00Z:c',
        'ticket:184233:2026-11-24T02:14:31Z:c5512',
        'ticket:184240:2026-11-24T02:20:02Z:c',
      ],
      settings: { pageSize: 2 },
    },
  },
  upsertTicket: {
    draft: DRAFT,
    arrangeCreate: () => {
      searchReplies('SB-inc-42]', []);
      arrangeCreation();
    },
    // Found by its marker: returned as it is, nothing created or changed.
    arrangeUpdate: () => searchReplies('SB-inc-42]', [createdTicketFixture]),
  },
};

runContractSuite(fixture);

describe('connectwise-manage connector', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  // -------------------------------------------------------------------------------------------
  describe('upsertTicket', () => {
    it('searches for the marker, then creates one ticket on the board with company, priority and device', async () => {
      searchReplies('SB-inc-42]', []);
      arrangeCreation();
      await expect(connectorWith().upsertTicket!(DRAFT)).resolves.toEqual({ id: '184233' });
      expect(nock.isDone()).toBe(true);
    });

    it('creates once and finds the ticket the second time, without a second POST', async () => {
      const connector = connectorWith();
      searchReplies('SB-inc-42]', []);
      arrangeCreation();
      const first = await connector.upsertTicket!(DRAFT);
      searchReplies('SB-inc-42]', [createdTicketFixture]);
      const second = await connector.upsertTicket!({ ...DRAFT, summary: 'reworded title' });
      expect(second).toEqual(first);
      expect(nock.isDone()).toBe(true);
    });

    it('finds a ticket created just before a crash (never recorded) instead of creating it again', async () => {
      // The ticket exists in PSA, Switchboard never stored its id: a fresh connector retries.
      searchReplies('SB-inc-42]', [ticket({ status: { id: 502, name: 'In Progress' } })]);
      await expect(connectorWith().upsertTicket!(DRAFT)).resolves.toEqual({ id: '184233' });
      expect(nock.isDone()).toBe(true);
    });

    it('prefers the open ticket when an older closed one carries the same key', async () => {
      searchReplies('SB-inc-42]', [
        ticket({ id: 180001, closedFlag: true }),
        ticket({ id: 184233, closedFlag: false }),
      ]);
      await expect(connectorWith().upsertTicket!(DRAFT)).resolves.toEqual({ id: '184233' });
      expect(nock.isDone()).toBe(true);
    });

    it('returns a closed ticket with the key rather than opening a second one for the incident', async () => {
      searchReplies('SB-inc-42]', [ticket({ id: 180001, closedFlag: true })]);
      await expect(connectorWith().upsertTicket!(DRAFT)).resolves.toEqual({ id: '180001' });
      expect(nock.isDone()).toBe(true);
    });

    it('ignores a loose server match that lacks the exact marker and creates', async () => {
      // `_` is a LIKE wildcard on the server, so "inc_42" also matches another incident's marker.
      const draft = { ...DRAFT, correlationKey: 'inc_42' };
      searchReplies('SB-inc_42]', [ticket({ externalXRef: 'SB:inc-42' })]);
      companyReplies('id=250', [company(0)]);
      configurationReplies('name="srv-sql01" and company/id=250 and activeFlag=true', []);
      cw()
        .post(`${API}/service/tickets`, {
          ...CREATE_BODY,
          summary: 'srv-sql01 offline after KB5034441 [SB-inc_42]',
          externalXRef: 'SB:inc_42',
        })
        .reply(201, ticket({ id: 184250 }));
      await expect(connectorWith().upsertTicket!(draft)).resolves.toEqual({ id: '184250' });
      expect(nock.isDone()).toBe(true);
    });

    it('hashes an unusual key into the marker, keeps it whole in externalXRef, and fits 100 characters', async () => {
      const key = 'am:prod/node exporter:"quoted"';
      const token = `#${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
      const longTitle = 'Disk C: nearly full on srv-sql01 '.repeat(5);
      const marker = `[SB-${token}]`;
      const expectedSummary = `${longTitle.trim().slice(0, 100 - marker.length - 2)}… ${marker}`;
      searchReplies(`SB-${token}]`, []);
      companyReplies('id=250', [company(0)]);
      cw()
        .post(`${API}/service/tickets`, {
          ...CREATE_BODY,
          summary: expectedSummary,
          externalXRef: `SB:${key}`,
          priority: { id: 8 },
        })
        .reply(201, ticket({ id: 184260, summary: expectedSummary, externalXRef: `SB:${key}` }));
      const ref = await connectorWith().upsertTicket!({
        ...DRAFT,
        correlationKey: key,
        summary: longTitle,
        priority: 'medium',
        device: undefined,
      });
      expect(ref).toEqual({ id: '184260' });
      expect(expectedSummary).toHaveLength(100);
      expect(nock.isDone()).toBe(true);
    });

    it('sets the configured new status and leaves priority to the board when unmapped', async () => {
      searchReplies('SB-inc-42]', []);
      companyReplies('id=250', [company(0)]);
      configurationReplies('name="srv-sql01" and company/id=250 and activeFlag=true', []);
      statusesReply();
      const { priority: _unmapped, ...withoutPriority } = CREATE_BODY;
      cw()
        .post(`${API}/service/tickets`, { ...withoutPriority, status: { id: 501 } })
        .reply(201, createdTicketFixture);
      const connector = connectorWith({ newStatusName: 'New' });
      await expect(connector.upsertTicket!({ ...DRAFT, priority: 'low' })).resolves.toEqual({
        id: '184233',
      });
      expect(nock.isDone()).toBe(true);
    });

    it('falls back from an unknown company id to the escaped name, then to the default company', async () => {
      searchReplies('SB-inc-42]', []);
      companyReplies('id=999', []);
      // Quotes get a backslash; a literal [ is written [[] as the developer guide says.
      companyReplies('name="Nobody \\"Ltd\\" [[]EU]"', []);
      companyReplies('identifier="MSPCATCH"', [company(2)]);
      cw()
        .post(`${API}/service/tickets`, { ...CREATE_BODY, company: { id: 19300 } })
        .reply(201, createdTicketFixture);
      const draft = {
        ...DRAFT,
        client: { name: 'Nobody "Ltd" [EU]', externalId: '999' },
        device: undefined,
      };
      await expect(connectorWith().upsertTicket!(draft)).resolves.toEqual({ id: '184233' });
      expect(nock.isDone()).toBe(true);
    });

    it('matches the device by deviceIdentifier when its external id is not a configuration id', async () => {
      searchReplies('SB-inc-42]', []);
      companyReplies('identifier="ACME"', [company(0)]);
      configurationReplies('deviceIdentifier="ninja-8841" and company/id=250 and activeFlag=true', [
        configuration(0),
      ]);
      cw().post(`${API}/service/tickets`, CREATE_BODY).reply(201, createdTicketFixture);
      cw()
        .post(`${API}/service/tickets/184233/configurations`, { id: 5512 })
        .reply(201, attachedConfigurationFixture);
      const draft = {
        ...DRAFT,
        client: { name: 'Acme Dental Ltd', externalId: 'ACME' },
        device: { name: 'srv-sql01', externalId: 'ninja-8841' },
      };
      await expect(connectorWith().upsertTicket!(draft)).resolves.toEqual({ id: '184233' });
      expect(nock.isDone()).toBe(true);
    });

    it('waits (retryable, no attempt spent) when no company matches and no default company is set', async () => {
      searchReplies('SB-inc-42]', []);
      companyReplies('id=250', []);
      companyReplies('name="Acme Dental Ltd"', [company(0), company(1)]); // ambiguous
      const err = await failure(
        connectorWith({ defaultCompanyIdentifier: undefined }).upsertTicket!(DRAFT),
      );
      expect([err.reason, err.retryable, err.waiting, err.retryAfterMs]).toEqual([
        'not-found',
        true,
        true,
        300_000,
      ]);
      expect(err.message).toContain('no single company matches');
      expect(nock.isDone()).toBe(true);
    });

    it('surfaces the field messages of a 400 and does not retry it', async () => {
      searchReplies('SB-inc-42]', []);
      companyReplies('id=250', [company(0)]);
      configurationReplies('name="srv-sql01" and company/id=250 and activeFlag=true', []);
      cw().post(`${API}/service/tickets`, CREATE_BODY).reply(400, error400);
      const err = await failure(connectorWith().upsertTicket!(DRAFT));
      expect(err.reason).toBe('invalid');
      expect(err.retryable).toBe(false);
      expect(err.message).toContain('The board field is required.');
      expect(err.message).not.toContain(PRIVATE_KEY);
      expect(nock.isDone()).toBe(true);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('noteTicket', () => {
    it('adds an internal-analysis note that sends no mail, ending with its delivery marker', async () => {
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, {
          text: 'Reboot verified.\n\n[SB-1A2B3C4D5E6F]',
          detailDescriptionFlag: false,
          internalAnalysisFlag: true,
          resolutionFlag: false,
          processNotifications: false,
        })
        .reply(201, noteFixture);
      await connectorWith().noteTicket!({ id: '184233' }, 'Reboot verified.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('adds a customer-visible discussion note when configured', async () => {
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, {
          text: marked('We are looking into it.'),
          detailDescriptionFlag: true,
          internalAnalysisFlag: false,
          resolutionFlag: false,
          processNotifications: true,
        })
        .reply(201, { ...noteFixture, detailDescriptionFlag: true, internalAnalysisFlag: false });
      await connectorWith({ noteType: 'discussion' }).noteTicket!(
        { id: '184233' },
        'We are looking into it.',
        DELIVERY,
      );
      expect(nock.isDone()).toBe(true);
    });

    it('adds nothing when a note already carries the marker (a retry after a lost answer)', async () => {
      // The first attempt landed in PSA; its answer never reached Switchboard.
      notesReply([listedNote(0)]);
      await connectorWith().noteTicket!(
        { id: '184233' },
        'Switchboard: rollback of KB5034441 queued on srv-sql01.',
        DELIVERY,
      );
      expect(nock.isDone()).toBe(true);
    });

    it('notes once when called twice with the same marker', async () => {
      const connector = connectorWith();
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, internalNote('Reboot verified.'))
        .reply(201, { ...noteFixture, text: marked('Reboot verified.') });
      await connector.noteTicket!({ id: '184233' }, 'Reboot verified.', DELIVERY);
      notesReply([listedNote(0, { id: 905520, text: marked('Reboot verified.') })]);
      await connector.noteTicket!({ id: '184233' }, 'Reboot verified.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('finds the marker when PSA turned the line breaks into spaces', async () => {
      notesReply([listedNote(0, { text: 'Reboot verified. [SB-1A2B3C4D5E6F]' })]);
      await connectorWith().noteTicket!({ id: '184233' }, 'Reboot verified.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('adds a new note for a different marker, even with the same text', async () => {
      notesReply([], OTHER.marker);
      cw()
        .post(
          `${API}/service/tickets/184233/notes`,
          internalNote('Switchboard: rollback of KB5034441 queued on srv-sql01.', OTHER.marker),
        )
        .reply(201, noteFixture);
      await connectorWith().noteTicket!(
        { id: '184233' },
        'Switchboard: rollback of KB5034441 queued on srv-sql01.',
        OTHER,
      );
      expect(nock.isDone()).toBe(true);
    });

    it('does not take a loose server match without the exact marker line for the note', async () => {
      // A server that ignores the filter, or matches loosely, hands back other notes.
      notesReply([listedNote(1), listedNote(0, { text: 'see SB-1A2B3C4D5E6F] elsewhere' })]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, internalNote('Reboot verified.'))
        .reply(201, noteFixture);
      await connectorWith().noteTicket!({ id: '184233' }, 'Reboot verified.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('refuses a reference that is not a ticket id without calling PSA', async () => {
      const err = await failure(connectorWith().noteTicket!({ id: '../companies' }, 'x', DELIVERY));
      expect(err.reason).toBe('invalid');
    });

    it.each([
      ['an empty note', '  ', DELIVERY],
      ['a marker with matcher characters', 'x', { marker: 'SB-1A2B_%' }],
      ['an empty marker', 'x', { marker: '' }],
    ])('refuses %s without calling PSA', async (_name, text, delivery) => {
      const err = await failure(connectorWith().noteTicket!({ id: '184233' }, text, delivery));
      expect(err.reason).toBe('invalid');
    });

    it('classifies a 404 (deleted ticket) as not-found, not retryable', async () => {
      cw()
        .get(`${API}/service/tickets/999999/notes`)
        .query(notesQuery(DELIVERY.marker))
        .reply(404, error404);
      const err = await failure(connectorWith().noteTicket!({ id: '999999' }, 'x', DELIVERY));
      expect([err.reason, err.retryable]).toEqual(['not-found', false]);
      expect(nock.isDone()).toBe(true);
    });

    it('refuses a notes listing that is not ServiceNote items as invalid', async () => {
      notesReply([listedNote(0, { text: 42 })]);
      const err = await failure(connectorWith().noteTicket!({ id: '184233' }, 'x', DELIVERY));
      expect(err.reason).toBe('invalid');
      expect(err.message).toContain('notes[0].text must be a string');
      expect(nock.isDone()).toBe(true);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('closeTicket', () => {
    const CLOSE = [{ op: 'replace', path: 'status', value: { id: 512 } }];

    it('notes an untouched ticket and moves it to the configured closed status', async () => {
      cw().get(`${API}/service/tickets/184233`).reply(200, ticketFixture);
      statusesReply();
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, internalNote('Resolved: service is up.'))
        .reply(201, noteFixture);
      cw().patch(`${API}/service/tickets/184233`, CLOSE).reply(200, closedTicketFixture);
      await connectorWith().closeTicket!({ id: '184233' }, 'Resolved: service is up.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('retried after its note landed but the close failed, closes without a second note', async () => {
      const connector = connectorWith();
      cw().get(`${API}/service/tickets/184233`).reply(200, ticketFixture);
      statusesReply();
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, internalNote('Resolved: service is up.'))
        .reply(201, noteFixture);
      cw().patch(`${API}/service/tickets/184233`, CLOSE).reply(503, error500);
      const err = await failure(
        connector.closeTicket!({ id: '184233' }, 'Resolved: service is up.', DELIVERY),
      );
      expect(err.retryable).toBe(true);

      // The outbox retries the same message: same marker, the note is already on the ticket.
      cw().get(`${API}/service/tickets/184233`).reply(200, ticketFixture);
      statusesReply();
      notesReply([listedNote(0, { id: 905530, text: marked('Resolved: service is up.') })]);
      cw().patch(`${API}/service/tickets/184233`, CLOSE).reply(200, closedTicketFixture);
      await connector.closeTicket!({ id: '184233' }, 'Resolved: service is up.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it.each([
      ['moved to another status', { status: { id: 502, name: 'In Progress' } }],
      ['with hours logged', { actualHours: 0.5 }],
      ['moved to another board', { board: { id: 3, name: 'Help Desk' } }],
    ])('only notes a ticket a technician worked (%s)', async (_name, worked) => {
      const boardId = (worked as { board?: { id: number } }).board?.id ?? 12;
      cw().get(`${API}/service/tickets/184233`).reply(200, ticket(worked));
      statusesReply(statusesFixture, boardId);
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, internalNote('Resolved.'))
        .reply(201, noteFixture);
      await connectorWith().closeTicket!({ id: '184233' }, 'Resolved.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('a retried close of a worked ticket does not note it twice', async () => {
      cw()
        .get(`${API}/service/tickets/184233`)
        .reply(200, ticket({ status: { id: 502, name: 'In Progress' } }));
      statusesReply();
      notesReply([listedNote(0, { text: marked('Resolved.') })]);
      await connectorWith().closeTicket!({ id: '184233' }, 'Resolved.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('closes a worked ticket when closeWorkedTickets is on', async () => {
      cw()
        .get(`${API}/service/tickets/184233`)
        .reply(200, ticket({ status: { id: 502, name: 'In Progress' } }));
      statusesReply();
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, internalNote('Resolved.'))
        .reply(201, noteFixture);
      cw().patch(`${API}/service/tickets/184233`, CLOSE).reply(200, closedTicketFixture);
      await connectorWith({ closeWorkedTickets: true }).closeTicket!(
        { id: '184233' },
        'Resolved.',
        DELIVERY,
      );
      expect(nock.isDone()).toBe(true);
    });

    it('treats every ticket as worked when the board has no recognisable new status', async () => {
      cw().get(`${API}/service/tickets/184233`).reply(200, ticketFixture);
      statusesReply(statusesFixture.map((s) => ({ ...s, defaultFlag: false })));
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, internalNote('Resolved.'))
        .reply(201, noteFixture);
      await connectorWith().closeTicket!({ id: '184233' }, 'Resolved.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('leaves a ticket that is already closed alone, so a retried close adds no second note', async () => {
      cw().get(`${API}/service/tickets/184233`).reply(200, closedTicketFixture);
      await connectorWith().closeTicket!({ id: '184233' }, 'Resolved.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('fails before writing anything when the closed status does not exist on the board', async () => {
      cw().get(`${API}/service/tickets/184233`).reply(200, ticketFixture);
      statusesReply(statusesFixture.filter((s) => s.name !== '>Closed'));
      const err = await failure(
        connectorWith().closeTicket!({ id: '184233' }, 'Resolved.', DELIVERY),
      );
      expect(err.reason).toBe('invalid');
      expect(err.message).toContain('no active closed status named ">Closed"');
      expect(nock.isDone()).toBe(true);
    });

    it('does not take an open status with the closed name for the closed status', async () => {
      cw().get(`${API}/service/tickets/184233`).reply(200, ticketFixture);
      statusesReply(statusesFixture.map((s) => (s.id === 512 ? { ...s, closedStatus: false } : s)));
      const err = await failure(
        connectorWith().closeTicket!({ id: '184233' }, 'Resolved.', DELIVERY),
      );
      expect(err.reason).toBe('invalid');
      expect(nock.isDone()).toBe(true);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('reopenTicket', () => {
    const REOPEN = [{ op: 'replace', path: 'status', value: { id: 501 } }];

    it('moves a closed ticket back to the board default status, then notes it', async () => {
      cw().get(`${API}/service/tickets/184233`).reply(200, closedTicketFixture);
      statusesReply();
      cw().patch(`${API}/service/tickets/184233`, REOPEN).reply(200, ticketFixture);
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, internalNote('Recurred.'))
        .reply(201, noteFixture);
      await connectorWith().reopenTicket!({ id: '184233' }, 'Recurred.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('only notes a ticket that is open (a retry after the status change)', async () => {
      cw().get(`${API}/service/tickets/184233`).reply(200, ticketFixture);
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, internalNote('Recurred.'))
        .reply(201, noteFixture);
      await connectorWith().reopenTicket!({ id: '184233' }, 'Recurred.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('does nothing more when retried after both the reopen and its note landed', async () => {
      cw().get(`${API}/service/tickets/184233`).reply(200, ticketFixture);
      notesReply([listedNote(0, { text: marked('Recurred.') })]);
      await connectorWith().reopenTicket!({ id: '184233' }, 'Recurred.', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });

    it('fails before writing when the board has no open status to reopen into', async () => {
      cw().get(`${API}/service/tickets/184233`).reply(200, closedTicketFixture);
      statusesReply(statusesFixture.map((s) => ({ ...s, defaultFlag: false })));
      const err = await failure(
        connectorWith().reopenTicket!({ id: '184233' }, 'Recurred.', DELIVERY),
      );
      expect(err.reason).toBe('invalid');
      expect(err.message).toContain('no open status to reopen into');
      expect(nock.isDone()).toBe(true);
    });
  });
  // -------------------------------------------------------------------------------------------
  describe('pullDevices', () => {
    it('walks every page of companies and configurations and stops on a short page', async () => {
      arrangeDeviceWalk();
      const result = await connectorWith({ pageSize: 2 }).pullDevices!(null);
      expect(result.records.map((r) => r.dedupeKey)).toEqual([
        'company:250:2026-11-20T09:12:44Z',
        'company:251:2026-11-22T16:40:03Z',
        'company:19300:2026-10-01T08:00:00Z',
        'configuration:5512:2026-11-23T22:05:10Z',
        'configuration:5540:2026-11-19T07:31:00Z',
      ]);
      expect(result.cursor).toBe('2026-11-23T22:05:10.000Z');
      expect(result.more).toBe(false);
      expect(nock.isDone()).toBe(true);
    });

    it('stops without another call when the Link header names no next page', async () => {
      const page = (n: number) => ({ orderBy: 'id asc', page: String(n), pageSize: '2' });
      const link = (rels: string) => ({ Link: rels });
      cw()
        .get(`${API}/company/companies`)
        .query(page(1))
        .reply(
          200,
          [company(0), company(1)],
          link(
            `<${HOST}${API}/company/companies?pageSize=2&page=1>; rel="first", <${HOST}${API}/company/companies?pageSize=2&page=1>; rel="last"`,
          ),
        );
      cw()
        .get(`${API}/company/configurations`)
        .query(page(1))
        .reply(
          200,
          [configuration(0), configuration(1)],
          link(
            `<${HOST}${API}/company/configurations?pageSize=2&page=2>; rel="next", <${HOST}${API}/company/configurations?pageSize=2&page=2>; rel="last"`,
          ),
        );
      cw().get(`${API}/company/configurations`).query(page(2)).reply(200, []);
      const result = await connectorWith({ pageSize: 2 }).pullDevices!(null);
      expect(result.records).toHaveLength(4);
      expect(nock.isDone()).toBe(true);
    });

    it('asks only for changes since the cursor minus the overlap, and for the configured types', async () => {
      const since = 'lastUpdated > [2026-11-20T09:50:00Z]';
      cw()
        .get(`${API}/company/companies`)
        .query({ conditions: since, orderBy: 'id asc', page: '1', pageSize: '1000' })
        .reply(200, [company(1)]);
      cw()
        .get(`${API}/company/configurations`)
        .query({
          conditions: `${since} and type/id in (3, 4)`,
          orderBy: 'id asc',
          page: '1',
          pageSize: '1000',
        })
        .reply(200, [configuration(0)]);
      const connector = connectorWith({ configurationTypeIds: [3, 4] });
      const result = await connector.pullDevices!('2026-11-20T10:00:00.000Z');
      expect(result.records.map((r) => r.type)).toEqual(['company', 'configuration']);
      expect(result.cursor).toBe('2026-11-23T22:05:10.000Z');
      expect(nock.isDone()).toBe(true);
    });

    it('keeps the cursor when nothing changed', async () => {
      const q = {
        conditions: 'lastUpdated > [2026-11-20T09:50:00Z]',
        orderBy: 'id asc',
        page: '1',
        pageSize: '1000',
      };
      cw().get(`${API}/company/companies`).query(q).reply(200, []);
      cw().get(`${API}/company/configurations`).query(q).reply(200, []);
      const result = await connectorWith().pullDevices!('2026-11-20T10:00:00.000Z');
      expect(result).toEqual({ records: [], cursor: '2026-11-20T10:00:00.000Z', more: false });
      expect(nock.isDone()).toBe(true);
    });

    it('refuses a server that ignores the page parameter instead of looping', async () => {
      const page = (n: number) => ({ orderBy: 'id asc', page: String(n), pageSize: '2' });
      cw()
        .get(`${API}/company/companies`)
        .query(page(1))
        .reply(200, [company(0), company(1)]);
      cw()
        .get(`${API}/company/companies`)
        .query(page(2))
        .reply(200, [company(0), company(1)]);
      const err = await failure(connectorWith({ pageSize: 2 }).pullDevices!(null));
      expect(err.reason).toBe('invalid');
      expect(err.message).toContain('page 2 repeats the previous page');
      expect(nock.isDone()).toBe(true);
    });

    it('refuses a malformed cursor', async () => {
      const err = await failure(connectorWith().pullDevices!('yesterday-ish'));
      expect(err.reason).toBe('invalid');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('pullTickets', () => {
    const byId = ticketById;
    const attached = attachedReply;

    it('first pulls open and recently closed tickets page by page, with devices, then only changes', async () => {
      const connector = connectorWith({ pageSize: 2 });
      arrangeTicketWalk();
      const first = await connector.pullTickets!(null);
      expect(first.more).toBe(true);
      expect(first.records.map((r) => r.dedupeKey)).toEqual([
        'ticket:184101:2026-11-21T11:03:00Z:c',
        'ticket:184233:2026-11-24T02:14:31Z:c5512',
      ]);

      const second = await connector.pullTickets!(first.cursor);
      expect(second.more).toBe(false);
      expect(second.records).toHaveLength(1);
      expect(JSON.parse(second.cursor!)).toEqual({
        floor: '2026-11-24T02:10:02.000Z', // newest change seen minus the 10-minute overlap
        afterId: 0,
        high: '2026-11-24T02:20:02.000Z',
      });

      ticketsReply('lastUpdated > [2026-11-24T02:10:02Z] and id > 0', []);
      const third = await connector.pullTickets!(second.cursor);
      expect(third.records).toEqual([]);
      expect(third.more).toBe(false);
      expect(JSON.parse(third.cursor!)).toEqual(JSON.parse(second.cursor!));
      expect(nock.isDone()).toBe(true);
    });

    it('normalizes a pulled ticket with its device and correlation key', async () => {
      cw()
        .get(`${API}/service/tickets`)
        .query({
          conditions: '(closedFlag=false or lastUpdated > [2026-11-17T02:30:00Z]) and id > 0',
          orderBy: 'id asc',
          page: '1',
          pageSize: '100',
        })
        .reply(200, [byId(184233)]);
      attached(184233, ticketConfigurationsFixture, '1000');
      const connector = connectorWith();
      const page = await connector.pullTickets!(null);
      expect(connector.normalize(page.records[0])).toEqual([
        {
          type: 'ticket',
          sourceId: '184233',
          occurredAt: new Date('2026-11-24T02:14:31Z'),
          client: { externalId: '250', name: 'Acme Dental Ltd' },
          ticketId: '184233',
          device: { externalId: '5512' },
          summary: 'srv-sql01 offline after KB5034441 [SB-inc-42]',
          status: 'open',
          closedBy: undefined,
          correlationKey: 'inc-42',
        },
      ]);
      expect(nock.isDone()).toBe(true);
    });

    it('refuses a malformed cursor', async () => {
      const err = await failure(connectorWith().pullTickets!('{"floor":"soon","afterId":0}'));
      expect(err.reason).toBe('invalid');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('transport failures', () => {
    /** The marker is not there yet; the note itself fails. */
    const noteCall = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, internalNote('x'))
        .reply(status, body as nock.Body, headers);
    };

    it('treats 401 as auth, naming neither the private key nor the clientId', async () => {
      noteCall(401, error401);
      const err = await failure(connectorWith().noteTicket!({ id: '184233' }, 'x', DELIVERY));
      expect([err.reason, err.retryable]).toEqual(['auth', false]);
      expect(err.message).not.toContain(PRIVATE_KEY);
      expect(err.message).not.toContain(CLIENT_ID);
      expect(err.message).not.toContain(AUTHORIZATION.slice(6));
      expect(nock.isDone()).toBe(true);
    });

    it('honours Retry-After on 429', async () => {
      noteCall(429, error429, { 'Retry-After': '30' });
      const err = await failure(connectorWith().noteTicket!({ id: '184233' }, 'x', DELIVERY));
      expect([err.reason, err.retryable, err.retryAfterMs]).toEqual(['rate-limited', true, 30000]);
      expect(nock.isDone()).toBe(true);
    });

    it.each([
      [500, error500],
      [502, '<html>Bad gateway</html>'],
    ])('treats %s as unavailable and retryable', async (status, body) => {
      noteCall(status, body);
      const err = await failure(connectorWith().noteTicket!({ id: '184233' }, 'x', DELIVERY));
      expect([err.reason, err.retryable]).toEqual(['unavailable', true]);
      expect(nock.isDone()).toBe(true);
    });

    it('treats 409 (record in use) as retryable', async () => {
      noteCall(409, error409);
      const err = await failure(connectorWith().noteTicket!({ id: '184233' }, 'x', DELIVERY));
      expect([err.reason, err.retryable]).toEqual(['unavailable', true]);
      expect(nock.isDone()).toBe(true);
    });

    it('treats 403 as denied', async () => {
      noteCall(403, error403);
      const err = await failure(connectorWith().noteTicket!({ id: '184233' }, 'x', DELIVERY));
      expect([err.reason, err.retryable]).toEqual(['denied', false]);
      expect(nock.isDone()).toBe(true);
    });

    it('gives up on a call slower than the HTTP timeout, as retryable', async () => {
      notesReply([]);
      cw()
        .post(`${API}/service/tickets/184233/notes`, internalNote('x'))
        .delay(1000)
        .reply(201, noteFixture);
      const ctx = { ...makeContext(fixture), http: createHttp({ timeoutMs: 100 }) };
      const err = await failure(
        connectwiseManageConnector.create(ctx).noteTicket!({ id: '184233' }, 'x', DELIVERY),
      );
      expect([err.reason, err.retryable]).toEqual(['unavailable', true]);
      expect(err.message).toContain('timed out');
      expect(nock.isDone()).toBe(true);
    });

    it.each([
      ['an object instead of a list', { tickets: [] }, 'must be a JSON array, got object'],
      ['an HTML page', '<html>Login</html>', 'must be a JSON array, got string'],
      [
        'a ticket without id',
        [{ summary: 'x' }],
        'tickets[0].id must be an integer, got undefined',
      ],
      ['a ticket with a text id', [ticket({ id: '184233' })], 'tickets[0].id must be an integer'],
      [
        'a bad lastUpdated',
        [ticket({ _info: { lastUpdated: 'today' } })],
        'tickets[0]._info.lastUpdated',
      ],
    ])('rejects %s from the ticket search as invalid', async (_name, body, message) => {
      searchReplies('SB-inc-42]', body as unknown as unknown[]);
      const err = await failure(connectorWith().upsertTicket!(DRAFT));
      expect(err.reason).toBe('invalid');
      expect(err.message).toContain(message);
      expect(nock.isDone()).toBe(true);
    });

    it('rejects a created ticket without an id as invalid', async () => {
      searchReplies('SB-inc-42]', []);
      companyReplies('id=250', [company(0)]);
      configurationReplies('name="srv-sql01" and company/id=250 and activeFlag=true', []);
      cw().post(`${API}/service/tickets`, CREATE_BODY).reply(201, { summary: 'x' });
      const err = await failure(connectorWith().upsertTicket!(DRAFT));
      expect(err.reason).toBe('invalid');
      expect(err.message).toContain('ticket.id must be an integer');
      expect(nock.isDone()).toBe(true);
    });

    it('talks to an on-premise host and codebase as configured', async () => {
      notesReply([], DELIVERY.marker, 'https://psa.example.com', '/v2025_1/apis/3.0');
      cw('https://psa.example.com')
        .post('/v2025_1/apis/3.0/service/tickets/184233/notes', internalNote('x'))
        .reply(201, noteFixture);
      const connector = connectorWith({ site: 'psa.example.com', codebase: 'v2025_1/' });
      await connector.noteTicket!({ id: '184233' }, 'x', DELIVERY);
      expect(nock.isDone()).toBe(true);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('check', () => {
    const one = { page: '1', pageSize: '1' };

    it('reports every declared capability ok when each probe succeeds', async () => {
      cw().get(`${API}/company/companies`).query(one).reply(200, []);
      cw().get(`${API}/company/configurations`).query(one).reply(200, []);
      cw().get(`${API}/service/tickets`).query(one).reply(200, []);
      statusesReply();
      await expect(connectorWith().check()).resolves.toEqual({
        devices: { status: 'ok' },
        'tickets.read': { status: 'ok' },
        'tickets.write': { status: 'ok' },
        webhooks: { status: 'ok' },
      });
      expect(nock.isDone()).toBe(true);
    });

    it('reports a refused role as denied and each other problem as error', async () => {
      cw().get(`${API}/company/companies`).query(one).reply(403, error403);
      cw().get(`${API}/service/tickets`).query(one).reply(500, error500);
      statusesReply(statusesFixture.filter((s) => !s.closedStatus));
      const report = await connectorWith({}, '').check();
      expect(report.devices?.status).toBe('denied');
      expect(report['tickets.read']?.status).toBe('error');
      expect(report['tickets.write']).toEqual({
        status: 'error',
        detail: 'board 12 has no active closed status named ">Closed"',
      });
      expect(report.webhooks?.status).toBe('error');
      expect(nock.isDone()).toBe(true);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('callbacks', () => {
    const connector = () => connectorWith();

    it('turns a ticket callback into a ticket record keyed by its version', () => {
      const verdict = connector().handleWebhook!(callbackRequest(callbackTicketUpdated));
      if (!verdict.ok) throw new Error(verdict.message);
      expect(verdict.records).toHaveLength(1);
      expect(verdict.records[0].dedupeKey).toBe('ticket:184101:2026-11-21T11:03:00Z');
      expect(connector().normalize(verdict.records[0])).toEqual([
        expect.objectContaining({
          type: 'ticket',
          ticketId: '184101',
          status: 'closed',
          closedBy: 'jlee',
          correlationKey: 'inc-17',
          device: undefined,
        }),
      ]);
    });

    it('accepts the token as a header too', () => {
      const req = callbackRequest(
        callbackTicketUpdated,
        { recordId: '184101' },
        {
          'x-switchboard-token': SECRET,
        },
      );
      expect(connector().handleWebhook!(req).ok).toBe(true);
    });

    it('rejects a callback without any token', () => {
      const verdict = connector().handleWebhook!(callbackRequest(callbackTicketUpdated, {}));
      expect(verdict).toMatchObject({ ok: false, status: 401 });
    });

    it('acknowledges deletions and types Switchboard does not keep, with no records', () => {
      const deleted = { ...callbackTicketUpdated, Action: 'deleted', Entity: '' };
      const contact = { ...callbackTicketUpdated, Type: 'contact', Entity: '{"id":184101}' };
      for (const body of [deleted, contact]) {
        expect(connector().handleWebhook!(callbackRequest(body))).toEqual({
          ok: true,
          records: [],
        });
      }
    });

    it.each([
      ['an Entity that is not JSON', { Entity: '{"id":18' }, 'body.Entity'],
      ['a missing ID', { ID: undefined }, 'body.ID'],
      ['an Entity for another record', { ID: 1 }, 'differs from ID 1'],
      [
        'an Entity without summary',
        { Entity: '{"id":184101}' },
        'body.Entity.summary must be a string',
      ],
    ])('rejects %s with 400 naming the field', (_name, change, message) => {
      const verdict = connector().handleWebhook!(
        callbackRequest({ ...callbackTicketUpdated, ...change }),
      );
      expect(verdict).toMatchObject({ ok: false, status: 400 });
      if (!verdict.ok) expect(verdict.message).toContain(message);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('normalize', () => {
    const connector = connectorWith();
    const record = (type: string, payload: unknown): RawRecord => ({
      type,
      dedupeKey: 'k',
      payload,
    });

    it('maps a company to a client', () => {
      expect(connector.normalize(record('company', companiesFixture[0]))).toEqual([
        { type: 'client', client: { externalId: '250', name: 'Acme Dental Ltd' } },
      ]);
    });

    it('maps a configuration to a device of its company, dropping empty fields', () => {
      const [server, workstation] = configurationsFixture.map(
        (c) => connector.normalize(record('configuration', c))[0],
      );
      expect(server).toEqual({
        type: 'device',
        sourceId: '5512',
        occurredAt: new Date('2026-11-23T22:05:10Z'),
        client: { externalId: '250', name: 'Acme Dental Ltd' },
        device: {
          externalId: '5512',
          hostname: 'srv-sql01',
          ip: '10.0.0.5',
          serial: 'CZ2841XYZ7',
        },
        displayName: 'srv-sql01',
        role: 'Managed Server',
        os: 'Microsoft Windows Server 2019 Standard',
      });
      expect(workstation).toMatchObject({
        device: {
          externalId: '5540',
          hostname: 'ws-reception',
          ip: undefined,
          serial: '5CG1234ABC',
        },
        os: 'Windows 11',
      });
    });

    it('maps a closed ticket as closed, keeping who closed it and its key', () => {
      const closed = ticketsFixture.find((t) => t.closedFlag)!;
      expect(connector.normalize(record('ticket', { ticket: closed, configurations: [] }))).toEqual(
        [
          expect.objectContaining({
            status: 'closed',
            closedBy: 'jlee',
            correlationKey: 'inc-17',
            client: { externalId: '251', name: 'Beta Logistics' },
            device: undefined,
          }),
        ],
      );
    });

    it('finds no correlation key in a ticket a person opened', () => {
      const userTicket = ticketsFixture.find((t) => t.id === 184240)!;
      const [event] = connector.normalize(record('ticket', { ticket: userTicket }));
      expect(event).toMatchObject({ status: 'open', correlationKey: undefined });
    });

    it('reads the key from the summary marker when externalXRef was cleared', () => {
      const [event] = connector.normalize(
        record('ticket', { ticket: ticket({ externalXRef: undefined }) }),
      );
      expect(event).toMatchObject({ correlationKey: 'inc-42' });
    });

    it.each([
      [
        'a ticket without id',
        'ticket',
        { ticket: { summary: 'x' } },
        'ticket record.ticket.id must be an integer',
      ],
      [
        'a ticket without dates',
        'ticket',
        { ticket: ticket({ _info: {} }) },
        'neither _info.lastUpdated',
      ],
      [
        'a non-boolean closedFlag',
        'ticket',
        { ticket: ticket({ closedFlag: 'yes' }) },
        'closedFlag must be a boolean',
      ],
      [
        'bad attached configurations',
        'ticket',
        { ticket: ticketFixture, configurations: [{}] },
        'configurations[0].id',
      ],
      [
        'a company without name',
        'company',
        { id: 1, identifier: 'X' },
        'company.name must be a string',
      ],
      [
        'a configuration with a numeric ip',
        'configuration',
        configuration(0, { ipAddress: 10 }),
        'configuration.ipAddress',
      ],
      ['an unknown record type', 'contact', {}, 'unknown record type contact'],
    ])('refuses %s as invalid, naming the field', (_name, type, payload, message) => {
      const attempt = () => connector.normalize(record(type, payload));
      expect(attempt).toThrow(ConnectorError);
      expect(attempt).toThrow(message);
    });
  });
});
