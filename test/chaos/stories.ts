import type { FakeProblem } from '../support/fake-tools';
import { ago, type Cluster, type Instance, type WebhookTally } from './cluster';

/** The tools a post-patch story is told through. */
export interface StoryTools {
  rmm: Instance;
  monitor: Instance;
}

const client = (n: number) => `Client ${n % 4}`;
const host = (n: number) => `SRV-${n}`;

const problem = (n: number, status: FakeProblem['status'], at: string): FakeProblem => ({
  problemId: `P-${n}`,
  status,
  at,
  client: client(n),
  host: host(n),
  service: 'MSSQLSERVER',
});

/**
 * A patch installed 30 min ago, the reboot 25 min ago (the RMM), then SQL Server down (the
 * monitor): each event to another replica, one after the other, so they are received in order.
 */
export async function openStory(
  cluster: Cluster,
  hooks: WebhookTally,
  tools: StoryTools,
  n: number,
): Promise<void> {
  const base = { client: client(n), device: { hostname: host(n) } };
  await hooks.deliver(
    cluster,
    n,
    tools.rmm,
    {
      ...base,
      eventId: `p${n}`,
      kind: 'patch.installed',
      occurredAt: ago(30),
      patch: { id: `KB50${70000 + n}`, title: 'Cumulative Update' },
    },
    `p${n}`,
  );
  await hooks.deliver(
    cluster,
    n + 1,
    tools.rmm,
    { ...base, eventId: `r${n}`, kind: 'device.rebooted', occurredAt: ago(25) },
    `r${n}`,
  );
  await hooks.deliver(cluster, n + 2, tools.monitor, problem(n, 'problem', ago(1)), `P-${n}`);
}

/** The monitor says SQL Server is back: the incident resolves and its ticket closes. */
export async function closeStory(
  cluster: Cluster,
  hooks: WebhookTally,
  tools: StoryTools,
  n: number,
): Promise<void> {
  await hooks.deliver(
    cluster,
    n,
    tools.monitor,
    problem(n, 'ok', new Date().toISOString()),
    `P-${n}-ok`,
  );
}

export interface IncidentRow {
  device: string;
  cause: string;
  suspects: string[];
}

/** What correlation decided, per device: comparable between two databases. */
export async function incidentRows(cluster: Cluster): Promise<IncidentRow[]> {
  return (
    await cluster.db.query(
      `SELECT d.display_name AS device, i.cause,
              array(SELECT s.kind || ':' || COALESCE(s.patch_id, '') FROM incident_suspect s
                     WHERE s.incident_id = i.id ORDER BY s.kind) AS suspects
         FROM incident i JOIN device d ON d.id = i.device_id ORDER BY d.display_name`,
    )
  ).rows;
}
