import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { ROOT } from '../support/process';

interface Panel {
  title: string;
  targets: { expr: string }[];
}

/** Every metric the shipped Grafana dashboard graphs is one the service exports. */
describe('the Grafana dashboard in deploy/grafana', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('uses only metrics /metrics exports, in panels with titles', async () => {
    const dashboard = JSON.parse(
      readFileSync(join(ROOT, 'deploy/grafana/switchboard-dashboard.json'), 'utf8'),
    ) as { panels: Panel[] };
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].map((m) => m[1]));
    const used = new Set<string>();
    expect(dashboard.panels.length).toBeGreaterThan(10);
    for (const panel of dashboard.panels) {
      expect(panel.title).toMatch(/\S/);
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets)
        for (const [name] of target.expr.matchAll(/switchboard_[a-z0-9_]+/g))
          used.add(name.replace(/_(bucket|sum|count)$/, ''));
    }
    const missing = [...used].filter((name) => !exported.has(name));
    expect(missing).toEqual([]);
    // The business metrics are the point of the dashboard.
    for (const name of [
      'switchboard_incidents_total',
      'switchboard_actions_delivered_total',
      'switchboard_webhook_to_incident_seconds',
      'switchboard_correlation_decision_seconds',
      'switchboard_http_request_duration_seconds',
      'switchboard_connector_circuit_open',
    ])
      expect(used).toContain(name);
  });

  it('times HTTP requests by route pattern, not by the ids in them', async () => {
    await t.api('GET', '/api/v1/incidents/00000000-0000-0000-0000-000000000001');
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(text).toMatch(
      /switchboard_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/incidents\/:id",status="4xx"\} 1\n/,
    );
    expect(text).not.toContain('00000000-0000-0000-0000-000000000001');
  });

  it('measures from the webhook to the incident it opened', async () => {
    const created = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      { kind: 'generic', name: 'monitor' },
    );
    const sent = await t.post(
      `/webhooks/${created.body.id}`,
      JSON.stringify({
        eventId: 'down-1',
        kind: 'device.down',
        occurredAt: new Date().toISOString(),
        client: 'Acme Dental',
        device: { hostname: 'SRV-METRICS' },
      }),
      { 'x-switchboard-token': created.body.webhook.secret },
    );
    expect(sent.status).toBe(202);
    const text = await eventually(async () => {
      const body = await (await fetch(`${t.baseUrl}/metrics`)).text();
      return /switchboard_webhook_to_incident_seconds_count\{event="opened"\} 1\n/.test(body)
        ? body
        : undefined;
    }, 20_000);
    expect(text).toMatch(/switchboard_incidents_total\{event="opened",cause="[a-z-]+"\} 1\n/);
    expect(text).toMatch(/switchboard_correlation_decision_seconds_count\{type="health"\} 1\n/);
  });
});
