import type { RuleSettings } from './rule-settings';

/** A change on the device before the outage: a patch or a reboot. */
export interface Change {
  id: string;
  kind: 'patch' | 'reboot';
  patchId: string | null;
  title: string | null;
  status: string;
  occurredAt: Date;
}

export interface OutageFacts {
  at: Date;
  /** 'device.down', 'service.down', 'check.failed' */
  kind: string;
  /** The failed service or check, if any. */
  subject: string | null;
  /** Changes on this device within the window before the outage, any order. */
  changes: Change[];
  /** Per patch id: other devices it hurt (incidents or failed installs) within the wave period. */
  hurtElsewhere: Record<string, number>;
  /** KBs blocked for the device's client (rolled back before): one coming back is suspect. */
  blocked?: string[];
}

export interface Suspect {
  change: Change;
  rank: number;
  score: number;
  reasons: string[];
}

export type Cause = 'post-patch-reboot' | 'post-patch' | 'post-reboot' | 'unknown';

export interface OutageAssessment {
  cause: Cause;
  confidence: number;
  suspects: Suspect[];
  evidence: string[];
}

const hoursBetween = (a: Date, b: Date) => Math.abs(a.getTime() - b.getTime()) / 3_600_000;
const round = (n: number) => Math.round(n * 100) / 100;

function describeGap(hours: number): string {
  return hours < 1
    ? `${Math.max(1, Math.round(hours * 60))} min before the outage`
    : `${round(hours)} h before the outage`;
}

/** Two reboot reports this close together are the same reboot told by two sources. */
const SAME_REBOOT_MS = 10 * 60_000;

/**
 * One change per fact, newest first in and out: an RMM reports one install both as a patch row
 * and as an activity, and one reboot may come from the RMM and from a script. A patch is one
 * suspect per KB and status (the newest report, with a title if any report had one).
 */
export function oneChangePerFact(newestFirst: Change[]): Change[] {
  const kept: Change[] = [];
  const patches = new Map<string, Change>();
  for (const change of newestFirst) {
    if (change.kind === 'reboot') {
      const seen = kept.some(
        (k) =>
          k.kind === 'reboot' &&
          k.occurredAt.getTime() - change.occurredAt.getTime() <= SAME_REBOOT_MS,
      );
      if (!seen) kept.push(change);
      continue;
    }
    const key = `${change.patchId?.toUpperCase() ?? change.id}|${change.status}`;
    const first = patches.get(key);
    if (!first) {
      const copy = { ...change };
      patches.set(key, copy);
      kept.push(copy);
    } else if (!first.title && change.title) first.title = change.title;
  }
  return kept;
}

/**
 * The "post-patch outage" rule: ranks the patches and reboots on the device in the window
 * before an outage and explains why each is suspected. Pure, so it is tested by table.
 *
 * Score of a patch: 0.5, +0.2 when a reboot followed it, +0.25 when the failed service is a
 * known issue of that patch, +0.25 when the KB is blocked for the client (a rollback took it
 * back before), +0.1 when the same patch hurt other devices, −0.05 per hour of
 * distance (never below 0.1). A reboot alone scores 0.3. Suspects are ranked by score, highest
 * first (the newer first on a tie); the confidence of the incident is the top score.
 */
export function assessOutage(facts: OutageFacts, rules: RuleSettings): OutageAssessment {
  const windowStart = facts.at.getTime() - rules.windowHours * 3_600_000;
  const inWindow = oneChangePerFact(
    facts.changes
      .filter(
        (c) =>
          c.occurredAt.getTime() <= facts.at.getTime() && c.occurredAt.getTime() >= windowStart,
      )
      .filter((c) => c.kind === 'reboot' || c.status === 'installed' || c.status === 'failed')
      .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime()),
  );
  const reboots = inWindow.filter((c) => c.kind === 'reboot');
  const patches = inWindow.filter((c) => c.kind === 'patch');

  const suspects: Suspect[] = inWindow.map((change) => {
    const gap = hoursBetween(facts.at, change.occurredAt);
    const reasons = [`on this device, ${describeGap(gap)}`];
    let score: number;
    if (change.kind === 'reboot') {
      score = 0.3;
      if (patches.some((p) => p.occurredAt <= change.occurredAt))
        reasons.push('the reboot followed a patch install');
    } else {
      score = 0.5;
      if (change.status === 'failed') reasons.push('the install failed');
      if (reboots.some((r) => r.occurredAt >= change.occurredAt)) {
        score += 0.2;
        reasons.push('a reboot followed the install');
      }
      const known = rules.knownIssues.find(
        (k) => k.patchId.toUpperCase() === change.patchId?.toUpperCase(),
      );
      if (
        known &&
        facts.subject &&
        known.services.some((s) => s.toLowerCase() === facts.subject!.toLowerCase())
      ) {
        score += 0.25;
        reasons.push(
          `known issue: ${change.patchId} breaks ${facts.subject}${known.note ? ` (${known.note})` : ''}`,
        );
      }
      if (change.patchId && facts.blocked?.includes(change.patchId.toUpperCase())) {
        score += 0.25;
        reasons.push(
          `${change.patchId} is blocked for this client after a rollback, yet came back`,
        );
      }
      const elsewhere = change.patchId ? (facts.hurtElsewhere[change.patchId] ?? 0) : 0;
      if (elsewhere > 0) {
        score += 0.1;
        reasons.push(
          `the same patch hurt ${elsewhere} other device${elsewhere === 1 ? '' : 's'} in the last ${rules.waveHours} h`,
        );
      }
    }
    score = Math.max(0.1, Math.min(0.99, score - 0.05 * gap));
    return { change, rank: 0, score: round(score), reasons };
  });
  // The technician confirms "the first suspect": it must be the likeliest, not the newest.
  suspects.sort(
    (a, b) => b.score - a.score || b.change.occurredAt.getTime() - a.change.occurredAt.getTime(),
  );
  suspects.forEach((s, i) => (s.rank = i + 1));

  const cause: Cause =
    patches.length > 0
      ? reboots.length > 0
        ? 'post-patch-reboot'
        : 'post-patch'
      : reboots.length > 0
        ? 'post-reboot'
        : 'unknown';
  const confidence = suspects.length > 0 ? Math.max(...suspects.map((s) => s.score)) : 0;
  const evidence = [
    `rule post-patch-outage: ${facts.kind}${facts.subject ? ` (${facts.subject})` : ''} at ${facts.at.toISOString()}, window ${rules.windowHours} h`,
    ...(suspects.length === 0
      ? ['no patch or reboot on this device in the window: cause unknown']
      : []),
  ];
  return { cause, confidence: round(confidence), suspects, evidence };
}
