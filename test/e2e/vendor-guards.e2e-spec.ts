import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import { RequestBudget } from '../../src/connector-instances/request-budget.service';
import { OutboxDispatcher } from '../../src/outbox/outbox-dispatcher';
import { OutboxService } from '../../src/outbox/outbox.service';
import { startTestApp, type TestApp } from '../support/app';
import { probeConnector } from '../support/probe-connector';
import { StubVendor } from '../support/stub-vendor';

interface Row {
  key: string;
  status: string;
  attempts: number;
  last_error: string | null;
  wait_s: number;
}

/**
 * What keeps Switchboard from overrunning a tool: the circuit breaker that pauses an instance
 * whose calls keep failing, and the request budget per rolling hour. Both make messages wait,
 * never spend their attempts, and show on the connector and in the metrics.
 */
describe('circuit breaker and request budget', () => {
  let t: TestApp;
  let vendor: StubVendor;

  beforeAll(async () => {
    vendor = await new StubVendor(() => ({ status: 200, body: { ok: true } })).start();
    t = await startTestApp({
      definitions: [...CONNECTOR_DEFINITIONS, probeConnector],
      workers: false,
      // Four lanes: the counts below allow for the calls already in flight when the breaker
      // opens or the budget runs out, one per lane.
      env: { CIRCUIT_FAILURE_THRESHOLD: '3', CIRCUIT_OPEN_SECONDS: '600', OUTBOX_PARALLEL: '4' },
    });
  });
  afterAll(async () => {
    await t.close();
    await vendor.stop();
  });

  const probe = async (name: string, extra: Record<string, unknown> = {}) => {
    const res = await t.api<{ id: string }>('POST', '/api/v1/connectors', {
      kind: 'probe',
      name,
      settings: { baseUrl: vendor.url, apiKey: `${name}-key` },
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const enqueue = async (instanceId: string, prefix: string, n: number) => {
    const outbox = t.app.get(OutboxService);
    for (let i = 1; i <= n; i++)
      await t.db.dataSource.transaction((m) =>
        outbox.enqueue(m, {
          instanceId,
          action: 'pushAlertNote',
          payload: { target: { id: `${prefix}-${i}` }, text: `note ${i}` },
          idempotencyKey: `${prefix}-${i}`,
        }),
      );
  };
  /** One dispatcher round, as a replica's worker runs it, with every waiting message due. */
  const round = async () => {
    await t.db.dataSource.query(
      `UPDATE outbox_message SET next_attempt_at = now() WHERE status = 'pending'`,
    );
    const dispatcher = t.app.get(OutboxDispatcher);
    await dispatcher.deliverAll(await dispatcher.claim());
  };
  const rows = (prefix: string): Promise<Row[]> =>
    t.db.dataSource.query(
      `SELECT idempotency_key AS key, status, attempts, last_error,
              round(EXTRACT(EPOCH FROM next_attempt_at - now()))::int AS wait_s
         FROM outbox_message WHERE idempotency_key LIKE $1 ORDER BY id`,
      [`${prefix}-%`],
    );
  const sentTo = (prefix: string) =>
    vendor.requests.filter((r) => r.path.startsWith(`/problems/${prefix}-`)).length;
  const metrics = async () => (await fetch(`${t.baseUrl}/metrics`)).text();

  it('pauses a tool after failed calls in a row, without spending attempts, and resumes it', async () => {
    const id = await probe('breaker');
    const MESSAGES = 12;
    await enqueue(id, 'cb', MESSAGES);
    vendor.handler = () => ({ status: 503, body: { error: 'maintenance' } });
    await round();
    // The third failure opened the circuit. A replica delivers four messages at once, so up to
    // three calls already on their way also failed; every later message was never sent.
    const sent = sentTo('cb');
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(sent).toBeLessThanOrEqual(6);
    const after = await rows('cb');
    const tried = after.filter((r) => r.attempts === 1);
    const held = after.filter((r) => r.attempts === 0);
    expect(tried).toHaveLength(sent);
    expect(held).toHaveLength(MESSAGES - sent);
    expect(after.every((r) => r.status === 'pending')).toBe(true);
    for (const r of tried) expect(r.last_error).toMatch(/^unavailable: .*HTTP 503$/);
    for (const r of held)
      expect(r.last_error).toMatch(
        /^waiting: circuit open after \d+ failed calls in a row; calls resume in \d+ s$/,
      );
    const view = await t.api<{ circuit: Record<string, unknown> }>(
      'GET',
      `/api/v1/connectors/${id}`,
    );
    expect(view.body.circuit).toMatchObject({
      state: 'open',
      consecutiveFailures: sent,
      timesOpened: 1,
      lastFailure: 'HTTP 503',
    });
    // Paused: the next rounds claim nothing for it and the tool hears nothing.
    await round();
    await round();
    expect(sentTo('cb')).toBe(sent);
    const text = await metrics();
    expect(text).toContain(
      `switchboard_connector_circuit_open{instance_id="${id}",kind="probe"} 1`,
    );
    expect(text).toContain('switchboard_connector_circuit_opened_total{kind="probe"} 1');
    expect(text).toContain(
      `switchboard_vendor_requests_total{kind="probe",outcome="failed"} ${sent}\n`,
    );
    expect(text).toContain(
      `switchboard_vendor_requests_total{kind="probe",outcome="circuit-open"} ${MESSAGES - sent}\n`,
    );

    // The pause is over and the tool is back: the first success closes the circuit.
    vendor.handler = () => ({ status: 200, body: { ok: true } });
    await t.db.dataSource.query(
      `UPDATE connector_circuit SET open_until = now() - interval '1 second' WHERE instance_id = $1`,
      [id],
    );
    const halfOpen = await t.api<{ circuit: { state: string } }>('GET', `/api/v1/connectors/${id}`);
    expect(halfOpen.body.circuit.state).toBe('half-open');
    await new Promise((resolve) => setTimeout(resolve, 1100)); // this replica's cached view ages
    await round();
    const resumed = await rows('cb');
    expect(resumed.every((r) => r.status === 'delivered')).toBe(true);
    // Each message spent one attempt per call it made: the paused ones spent none waiting.
    expect(resumed.filter((r) => r.attempts === 2)).toHaveLength(sent);
    expect(resumed.filter((r) => r.attempts === 1)).toHaveLength(MESSAGES - sent);
    expect(sentTo('cb')).toBe(sent + MESSAGES);
    const closed = await t.api<{ circuit: Record<string, unknown> }>(
      'GET',
      `/api/v1/connectors/${id}`,
    );
    expect(closed.body.circuit).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(await metrics()).toContain(
      `switchboard_connector_circuit_open{instance_id="${id}",kind="probe"} 0`,
    );
  });

  it('keeps to a request budget: calls over it wait for the hour to roll, nothing is dropped', async () => {
    const id = await probe('budget', { requestsPerHour: 4 });
    await enqueue(id, 'rb', 6);
    await round();
    expect(sentTo('rb')).toBe(4);
    const waiting = (await rows('rb')).filter((r) => r.status === 'pending');
    expect(waiting).toHaveLength(2);
    for (const r of waiting) {
      expect(r.attempts).toBe(0);
      expect(r.last_error).toMatch(
        /^rate-limited: request budget of 4 calls per hour is spent; the next call can go in \d+ s$/,
      );
      // The oldest counted minute leaves the rolling hour in 59–60 minutes.
      expect(r.wait_s).toBeGreaterThan(58 * 60);
      expect(r.wait_s).toBeLessThanOrEqual(3600);
    }
    const view = await t.api<{ requestBudget: unknown }>('GET', `/api/v1/connectors/${id}`);
    expect(view.body.requestBudget).toEqual({ perHour: 4, usedLastHour: 4 });
    expect(await metrics()).toContain(
      `switchboard_connector_requests_last_hour{instance_id="${id}",kind="probe"} 4`,
    );

    for (const bad of [0, 'many', 2.5])
      expect(
        await t.api('PATCH', `/api/v1/connectors/${id}`, { requestsPerHour: bad }),
      ).toMatchObject({
        status: 400,
        body: { message: expect.arrayContaining([expect.stringMatching(/^requestsPerHour /)]) },
      });
    const raised = await t.api<{ requestBudget: unknown }>('PATCH', `/api/v1/connectors/${id}`, {
      requestsPerHour: 10,
    });
    expect(raised.body.requestBudget).toEqual({ perHour: 10, usedLastHour: 4 });
    await round();
    expect((await rows('rb')).every((r) => r.status === 'delivered')).toBe(true);
    expect(sentTo('rb')).toBe(6);
    const cleared = await t.api<{ requestBudget: unknown }>('PATCH', `/api/v1/connectors/${id}`, {
      requestsPerHour: null,
    });
    expect(cleared.body.requestBudget).toEqual({ perHour: null, usedLastHour: 6 });
  });

  it('counts one budget for every caller at once (replicas share it through the database)', async () => {
    const id = await probe('shared');
    const budget = t.app.get(RequestBudget);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => budget.take(id, 20)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(10);
    for (const r of refused) expect(r.reason).toMatchObject({ reason: 'rate-limited' });
  });
});
