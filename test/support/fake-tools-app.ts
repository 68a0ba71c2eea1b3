import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import { startTestApp, type HttpResult, type TestApp } from './app';
import { FAKE_TOOLS, type FakeProblem } from './fake-tools';
import { FakeVendor } from './fake-vendor';

export type FakeKind = 'fake-rmm' | 'fake-monitor' | 'fake-helpdesk' | 'fake-pager';

/** The service with one instance of each fake tool, and ways to push their webhooks. */
export interface FakeToolsApp {
  t: TestApp;
  vendor: FakeVendor;
  ids: Record<FakeKind, { id: string; secret?: string }>;
  rmm(event: Record<string, unknown>): Promise<HttpResult>;
  monitor(problem: FakeProblem): Promise<HttpResult>;
  close(): Promise<void>;
}

/** Instances are created through the API; their polls are pushed a day out, to run on demand. */
export async function startFakeToolsApp(env: Record<string, string> = {}): Promise<FakeToolsApp> {
  const vendor = await new FakeVendor().start();
  const t = await startTestApp({ definitions: [...CONNECTOR_DEFINITIONS, ...FAKE_TOOLS], env });
  const ids = {} as FakeToolsApp['ids'];
  for (const kind of ['fake-rmm', 'fake-monitor', 'fake-helpdesk', 'fake-pager'] as const) {
    const res = await t.api<{ id: string; webhook?: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      { kind, name: kind, settings: { baseUrl: vendor.url } },
    );
    if (res.status !== 201) throw new Error(`creating ${kind}: ${res.status}`);
    ids[kind] = { id: res.body.id, secret: res.body.webhook?.secret };
  }
  await t.db.dataSource.query(
    `UPDATE connector_instance SET next_poll_at = now() + interval '1 day'`,
  );
  const push = (kind: FakeKind, body: unknown) =>
    t.post(`/webhooks/${ids[kind].id}`, JSON.stringify(body), {
      'x-switchboard-token': ids[kind].secret!,
    });
  return {
    t,
    vendor,
    ids,
    rmm: (event) => push('fake-rmm', event),
    monitor: (problem) => push('fake-monitor', problem),
    close: async () => {
      await t.close();
      await vendor.stop();
    },
  };
}
