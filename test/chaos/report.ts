import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeVendor } from '../support/fake-vendor';
import { ROOT } from '../support/process';
import type { Cluster, WebhookTally } from './cluster';

export interface Counts {
  sent: number;
  acknowledged: number;
  /** Webhook records in inbox_event (polled records are not what was sent). */
  stored: number;
  delivered: number;
  dead: number;
  /** Tickets at the vendor per incident in the database, [min, max]; null without a helpdesk. */
  ticketsPerIncident: [number, number] | null;
  duplicateNotes: number;
}

const MARKER = /\[SB-[0-9A-F]{12}\]/;

/**
 * Extra copies of a note on one ticket or problem. A note is known by its delivery marker; a
 * note without one (a monitor note from a connector that does not mark them yet) by its whole
 * text, since two decisions never write the same text on one problem.
 */
export function duplicateNotes(vendor: FakeVendor): number {
  const containers = [
    ...vendor.tickets.map((t) => t.notes),
    ...[...new Set(vendor.notes.map((n) => n.problemId))].map((id) =>
      vendor.notes.filter((n) => n.problemId === id).map((n) => n.text),
    ),
  ];
  let extra = 0;
  for (const notes of containers) {
    const seen = new Map<string, number>();
    for (const text of notes) {
      const key = MARKER.exec(text)?.[0] ?? `text:${text}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    for (const n of seen.values()) extra += n - 1;
  }
  return extra;
}

/** Per incident key in the database, how many tickets the vendor holds for it. */
export async function ticketsByIncident(
  cluster: Cluster,
  vendor: FakeVendor,
): Promise<Map<string, number>> {
  const keys = (await cluster.db.query(`SELECT key FROM incident ORDER BY key`)).rows as {
    key: string;
  }[];
  return new Map(keys.map(({ key }) => [key, vendor.tickets.filter((t) => t.key === key).length]));
}

/** The counts of one scenario, read from the database and the vendor as they are now. */
export async function measure(
  cluster: Cluster,
  hooks: WebhookTally,
  vendor: FakeVendor | null,
): Promise<Counts> {
  const status = async (s: string) =>
    cluster.count(`SELECT count(*) FROM outbox_message WHERE status = $1`, [s]);
  const perIncident = vendor ? [...(await ticketsByIncident(cluster, vendor)).values()] : [];
  return {
    sent: hooks.sent,
    acknowledged: hooks.acknowledged,
    stored: await cluster.count(`SELECT count(*) FROM inbox_event WHERE source = 'webhook'`),
    delivered: await status('delivered'),
    dead: await status('dead'),
    ticketsPerIncident:
      vendor && perIncident.length > 0
        ? [Math.min(...perIncident), Math.max(...perIncident)]
        : null,
    duplicateNotes: vendor ? duplicateNotes(vendor) : 0,
  };
}

interface Row {
  scenario: string;
  counts: Counts;
  observed: string;
}

/** One table for the whole suite: a row per scenario, written as each one ends. */
export class ChaosReport {
  private readonly rows: Row[] = [];

  add(scenario: string, counts: Counts, observed: string): void {
    this.rows.push({ scenario, counts, observed });
  }

  render(runtimeMs: number): string {
    const header = [
      'scenario',
      'sent',
      'acknowledged',
      'stored',
      'delivered',
      'dead',
      'tickets per incident (min–max)',
      'duplicate notes',
      'observed',
    ];
    const lines = this.rows.map(({ scenario, counts: c, observed }) => [
      scenario,
      String(c.sent),
      String(c.acknowledged),
      String(c.stored),
      String(c.delivered),
      String(c.dead),
      c.ticketsPerIncident ? `${c.ticketsPerIncident[0]}–${c.ticketsPerIncident[1]}` : 'n/a',
      String(c.duplicateNotes),
      observed,
    ]);
    const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
    return [
      `# Chaos suite (${new Date().toISOString()}, ${(runtimeMs / 1000).toFixed(1)} s)`,
      '',
      row(header),
      row(header.map(() => '---')),
      ...lines.map(row),
      '',
    ].join('\n');
  }

  /** Printed and kept in test-output/ (git-ignored). */
  publish(runtimeMs: number): string {
    const text = this.render(runtimeMs);
    const dir = join(ROOT, 'test-output');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'chaos-report.md'), text);
    process.stdout.write(`\n${text}\n`);
    return text;
  }
}
