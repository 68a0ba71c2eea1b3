import nock from 'nock';
import type { Connector, ConnectorContext, ConnectorDefinition, InboundRequest } from './connector';
import { CAPABILITY_METHODS, type Capability } from './capabilities';
import { ConnectorError } from './connector-error';
import { parseSettings, secretFields, SettingsError } from './settings';
import { createHttp } from '../shared/http';

/**
 * What every connector must pass (STYLE.md §6). Each connector's spec calls this once with its
 * own fixtures; vendor-specific behaviour is tested beside it in the same spec.
 */
export interface ContractFixture<S extends object> {
  definition: ConnectorDefinition<S>;
  /** Settings that validate; secret values among them must never leak. */
  validSettings: Record<string, unknown>;
  /** Fields whose absence must be rejected, each named in the error. */
  requiredFields: string[];
  webhookSecret?: string;
  /** A webhook request this connector accepts, and one with a bad signature/secret. */
  webhook?: { valid(): InboundRequest; badSignature(): InboundRequest };
  /**
   * One call that reaches the vendor: arrange nock to answer `status` (with headers), then
   * make the call. Used for 401/429/503 classification and secret redaction.
   */
  failingCall?: {
    arrange(status: number, headers: Record<string, string>, body: unknown): void;
    act(connector: Connector): Promise<unknown>;
  };
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

export function runContractSuite<S extends object>(fixture: ContractFixture<S>): void {
  const { definition } = fixture;
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
      const declared = new Set<Capability>(definition.capabilities);
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

    it('uses its own folder name as kind', () => {
      expect(definition.kind).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    });

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

    if (fixture.webhook) {
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

    if (fixture.failingCall) {
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

      it('classifies 429 as rate-limited and honours Retry-After', async () => {
        const err = await run(429, { 'Retry-After': '7' });
        expect(err.reason).toBe('rate-limited');
        expect(err.retryable).toBe(true);
        expect(err.retryAfterMs).toBe(7000);
      });

      it('classifies 503 as unavailable and retryable', async () => {
        const err = await run(503);
        expect(err.reason).toBe('unavailable');
        expect(err.retryable).toBe(true);
      });
    }
  });
}
