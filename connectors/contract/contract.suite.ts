import nock from 'nock';
import { basename, dirname } from 'node:path';
import {
  PULL_METHOD,
  type Connector,
  type ConnectorContext,
  type ConnectorDefinition,
  type InboundRequest,
  type TicketDraft,
} from './connector';
import {
  CAPABILITY_METHODS,
  PULL_STREAMS,
  STREAM_CAPABILITY,
  type Capability,
  type PullStream,
} from './capabilities';
import { ConnectorError } from './connector-error';
import { parseSettings, secretFields, SettingsError } from './settings';
import { createHttp } from '../shared/http';

/** Every capability but `webhooks` (verified with no I/O) reaches the vendor. */
const NO_VENDOR_CALL: readonly Capability[] = ['webhooks'];

/** A pull still saying `more` after this many pages never stops. */
const MAX_PAGES = 100;

/**
 * One whole walk of a pull stream, as the core's poller makes it: from `from`, pull after pull
 * until `more` is false. Arrange nock for at least two vendor pages and the end; `arrange` is
 * called once per walk (each walk uses a fresh connector, as after a restart).
 */
export interface PullFixture {
  arrange(): void;
  /** The cursor the walk starts from; null (the first poll) when omitted. */
  from?: string | null;
  /** Every dedupe key the walk yields, in order (asymmetric matchers allowed). */
  keys: unknown[];
  /** Settings merged over validSettings for the walk (e.g. a small page size). */
  settings?: Record<string, unknown>;
}

/** Two upserts of one draft on one connector: the first creates, the second finds that ticket. */
export interface UpsertFixture {
  draft: TicketDraft;
  /** The first call: the search finds nothing, and exactly one ticket is created. */
  arrangeCreate(): void;
  /**
   * The second call: the search finds the ticket just created, plus whatever update the
   * connector makes to it. Nothing that creates: an unarranged call fails the test.
   */
  arrangeUpdate(): void;
  settings?: Record<string, unknown>;
}

/**
 * What every connector must pass (STYLE.md §6). Each connector's spec calls this once with its
 * own fixtures; vendor-specific behaviour is tested beside it in the same spec. A fixture is
 * required for each declared capability that needs one, and refused for one not declared.
 */
export interface ContractFixture<S extends object> {
  definition: ConnectorDefinition<S>;
  /** Settings that validate; secret values among them must never leak. */
  validSettings: Record<string, unknown>;
  /** Fields whose absence must be rejected, each named in the error. */
  requiredFields: string[];
  webhookSecret?: string;
  /**
   * Required with `webhooks`: a request this connector accepts, and one with a bad
   * signature/secret.
   */
  webhook?: { valid(): InboundRequest; badSignature(): InboundRequest };
  /**
   * Required with any capability that calls the vendor (all but `webhooks`): one call that
   * reaches the vendor; arrange nock to answer `status` (with headers), then make the call. Used
   * for 401/429/503 classification and secret redaction.
   */
  failingCall?: {
    arrange(status: number, headers: Record<string, string>, body: unknown): void;
    act(connector: Connector): Promise<unknown>;
    /**
     * False for a transport with no Retry-After (SMTP): `arrange` answers 429 with the
     * transport's own "try later", which must be retryable; no delay is asserted.
     */
    retryAfter?: boolean;
  };
  /** Required for each declared pull stream (devices, patches, health, tickets.read). */
  pulls?: Partial<Record<PullStream, PullFixture>>;
  /** Required with `tickets.write`. */
  upsertTicket?: UpsertFixture;
}

export function makeContext<S extends object>(fixture: ContractFixture<S>): ConnectorContext<S> {
  return {
    instanceId: '00000000-0000-4000-8000-000000000001',
    settings: parseSettings(fixture.definition.settings, fixture.validSettings),
    http: createHttp({ timeoutMs: 2000 }),
    clock: () => new Date('2026-11-24T02:30:00Z'),
    webhookSecret: fixture.webhookSecret,
    webhookUrl: 'http://127.0.0.1:3000/webhooks/00000000-0000-4000-8000-000000000001',
  };
}

async function failure(fn: () => Promise<unknown>): Promise<ConnectorError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected the call to fail');
}

/** A connector for one test, with some settings changed. */
function connectorFor<S extends object>(
  fixture: ContractFixture<S>,
  settings: Record<string, unknown> = {},
): Connector {
  const validSettings = { ...fixture.validSettings, ...settings };
  return fixture.definition.create(makeContext({ ...fixture, validSettings }));
}

/** Pulls until `more` is false, as the poller does; the dedupe keys of every page, in order. */
async function walk(connector: Connector, stream: PullStream, from: string | null) {
  const pull = connector[PULL_METHOD[stream]];
  if (!pull) throw new Error(`${stream}: the connector has no ${PULL_METHOD[stream]}`);
  const keys: string[] = [];
  let cursor = from;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const result = await pull.call(connector, cursor);
    keys.push(...result.records.map((r) => r.dedupeKey));
    cursor = result.cursor ?? cursor;
    if (!result.more) return keys;
  }
  throw new Error(`${stream}: still "more" after ${MAX_PAGES} pages; a pull must stop`);
}

/** A test that fails, naming what the fixture lacks, unless `ok`. */
function requires(name: string, ok: boolean, missing: string): void {
  it(name, () => {
    if (!ok) throw new Error(missing);
  });
}

export function runContractSuite<S extends object>(fixture: ContractFixture<S>): void {
  const { definition } = fixture;
  const declared = new Set<Capability>(definition.capabilities);
  const callsVendor = definition.capabilities.filter((c) => !NO_VENDOR_CALL.includes(c));
  const pullStreams = PULL_STREAMS.filter((s) => declared.has(STREAM_CAPABILITY[s]));
  const secrets = () =>
    secretFields(definition.settings)
      .map((f) => fixture.validSettings[f])
      .filter((v): v is string => typeof v === 'string' && v.length > 0);

  describe(`${definition.kind} connector contract`, () => {
    beforeAll(() => nock.disableNetConnect());
    afterEach(() => nock.cleanAll());

    it('implements exactly the methods its declared capabilities need', () => {
      const connector = definition.create(makeContext(fixture)) as unknown as Record<
        string,
        unknown
      >;
      for (const cap of definition.capabilities) {
        for (const method of CAPABILITY_METHODS[cap])
          expect([cap, method, typeof connector[method]]).toEqual([cap, method, 'function']);
      }
      for (const [cap, methods] of Object.entries(CAPABILITY_METHODS) as [
        Capability,
        readonly string[],
      ][]) {
        if (declared.has(cap)) continue;
        for (const method of methods) {
          // services/getServices etc.: an undeclared capability must not be half-implemented
          expect([cap, method, typeof connector[method]]).toEqual([cap, method, 'undefined']);
        }
      }
    });

    it('uses its own folder name as kind, and is tested by <kind>.spec.ts in that folder', () => {
      const { testPath } = expect.getState();
      if (!testPath) throw new Error('jest gave no test path');
      expect(definition.kind).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(definition.kind).toBe(basename(dirname(testPath)));
      expect(basename(dirname(dirname(testPath)))).toBe('connectors');
      expect(basename(testPath)).toBe(`${definition.kind}.spec.ts`);
    });

    requires(
      'has the webhook fixture exactly when it declares webhooks',
      declared.has('webhooks') === Boolean(fixture.webhook),
      declared.has('webhooks')
        ? 'it declares webhooks: give the contract fixture `webhook` (valid, badSignature)'
        : 'it has a `webhook` fixture but does not declare webhooks',
    );

    requires(
      'has the failing-call fixture exactly when a declared capability calls the vendor',
      callsVendor.length > 0 === Boolean(fixture.failingCall),
      callsVendor.length > 0
        ? `it declares ${callsVendor.join(', ')}: give the contract fixture \`failingCall\``
        : 'it has a `failingCall` fixture but declares nothing that calls the vendor',
    );

    for (const stream of PULL_STREAMS) {
      const wanted = pullStreams.includes(stream);
      requires(
        `has a pull fixture for ${stream} exactly when it declares ${STREAM_CAPABILITY[stream]}`,
        wanted === Boolean(fixture.pulls?.[stream]),
        wanted
          ? `it declares ${STREAM_CAPABILITY[stream]}: give the contract fixture \`pulls.${stream}\``
          : `it has \`pulls.${stream}\` but does not declare ${STREAM_CAPABILITY[stream]}`,
      );
    }

    requires(
      'has the upsert fixture exactly when it declares tickets.write',
      declared.has('tickets.write') === Boolean(fixture.upsertTicket),
      declared.has('tickets.write')
        ? 'it declares tickets.write: give the contract fixture `upsertTicket`'
        : 'it has an `upsertTicket` fixture but does not declare tickets.write',
    );

    it('rejects settings missing a required field, naming the field', () => {
      for (const field of fixture.requiredFields) {
        const partial = { ...fixture.validSettings };
        delete partial[field];
        expect(() => parseSettings(definition.settings, partial)).toThrow(SettingsError);
        try {
          parseSettings(definition.settings, partial);
        } catch (err) {
          expect((err as Error).message).toContain(`settings.${field}`);
        }
      }
    });

    it('accepts its valid settings', () => {
      expect(() => parseSettings(definition.settings, fixture.validSettings)).not.toThrow();
    });

    if (fixture.webhook && declared.has('webhooks')) {
      const webhook = fixture.webhook;
      it('gives the same webhook the same dedupe key twice', () => {
        const connector = definition.create(makeContext(fixture));
        const first = connector.handleWebhook!(webhook.valid());
        const second = connector.handleWebhook!(webhook.valid());
        expect(first.ok).toBe(true);
        if (!first.ok || !second.ok) throw new Error('webhook rejected');
        expect(first.records.length).toBeGreaterThan(0);
        expect(second.records.map((r) => r.dedupeKey)).toEqual(
          first.records.map((r) => r.dedupeKey),
        );
      });

      it('rejects a webhook with a bad signature or secret', () => {
        const connector = definition.create(makeContext(fixture));
        const verdict = connector.handleWebhook!(webhook.badSignature());
        expect(verdict.ok).toBe(false);
        if (!verdict.ok) expect([401, 403]).toContain(verdict.status);
      });
    }

    if (fixture.failingCall && callsVendor.length > 0) {
      const call = fixture.failingCall;
      const run = (status: number, headers: Record<string, string> = {}) => {
        call.arrange(status, headers, { error: 'vendor error body with secret-looking data' });
        return failure(() => call.act(definition.create(makeContext(fixture))));
      };

      it('classifies 401 as auth, not retryable, without leaking secrets', async () => {
        const err = await run(401);
        expect(err.reason).toBe('auth');
        expect(err.retryable).toBe(false);
        for (const s of secrets()) expect(err.message).not.toContain(s);
        expect(err.message).not.toContain('vendor error body');
      });

      if (call.retryAfter === false) {
        it('classifies a "try later" answer (the 429 case) as retryable', async () => {
          const err = await run(429, { 'Retry-After': '7' });
          expect(err.retryable).toBe(true);
        });
      } else {
        it('classifies 429 as rate-limited and honours Retry-After', async () => {
          const err = await run(429, { 'Retry-After': '7' });
          expect(err.reason).toBe('rate-limited');
          expect(err.retryable).toBe(true);
          expect(err.retryAfterMs).toBe(7000);
        });
      }

      it('classifies 503 as unavailable and retryable', async () => {
        const err = await run(503);
        expect(err.reason).toBe('unavailable');
        expect(err.retryable).toBe(true);
      });
    }

    for (const stream of pullStreams) {
      const pull = fixture.pulls?.[stream];
      if (!pull) continue;
      const from = pull.from ?? null;

      it(`walks every page of ${stream} and stops`, async () => {
        pull.arrange();
        const keys = await walk(connectorFor(fixture, pull.settings), stream, from);
        expect(keys).toEqual(pull.keys);
        expect(nock.isDone()).toBe(true);
      });

      it(`pulls the same ${stream} pages twice with the same dedupe keys, so nothing is stored twice`, async () => {
        pull.arrange();
        pull.arrange();
        const first = await walk(connectorFor(fixture, pull.settings), stream, from);
        const again = await walk(connectorFor(fixture, pull.settings), stream, from);
        expect(first.length).toBeGreaterThan(0);
        expect(new Set(first).size).toBe(first.length);
        expect(again).toEqual(first);
        expect(nock.isDone()).toBe(true);
      });
    }

    if (fixture.upsertTicket && declared.has('tickets.write')) {
      const upsert = fixture.upsertTicket;
      it('upsertTicket twice for one correlation key creates once and updates once', async () => {
        const connector = connectorFor(fixture, upsert.settings);
        upsert.arrangeCreate();
        const created = await connector.upsertTicket!(upsert.draft);
        expect(nock.isDone()).toBe(true);
        upsert.arrangeUpdate();
        const found = await connector.upsertTicket!(upsert.draft);
        expect(found).toEqual(created);
        expect(nock.isDone()).toBe(true);
      });
    }
  });
}
