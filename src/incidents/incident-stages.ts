import type { IncidentDetails } from './incident-details';

/** The steps of a post-patch outage, in the order the story is told (the 2 AM update). */
export const STAGE_KEYS = [
  'patch',
  'reboot',
  'verification',
  'alert',
  'ticket',
  'rollback',
  'recovery',
] as const;
export type StageKey = (typeof STAGE_KEYS)[number];

/** How a reached stage reads: a colour class on the page, always beside `status` in words. */
export type StageTone = 'done' | 'bad' | 'warn' | 'active' | 'ok';

export interface Stage {
  key: StageKey;
  label: string;
  reached: boolean;
  at: Date | null;
  /** One word or two said next to the marker ("installed", "failed", "not reached"). */
  status: string;
  tone: StageTone | 'none';
  detail: string;
}

/** What the stages are read from: the incident as IncidentsService.detail answers it. */
export interface StagesInput {
  cause: string;
  state: string;
  resolvedAt: Date | null;
  details: IncidentDetails;
  suspects: {
    kind: 'patch' | 'reboot';
    patchId: string | null;
    occurredAt: Date;
    status: string;
    rank: number;
  }[];
  alerts: { instanceId: string; problemId: string; createdAt: Date }[];
  tickets: {
    instanceId: string;
    externalId: string | null;
    relation: string;
    status: string;
    createdAt: Date;
  }[];
  /** Oldest first, as RollbackRequestService.forIncident lists them. */
  rollbacks: {
    patchId: string;
    state: string;
    requestedBy: string;
    createdAt: Date;
    finishedAt: Date | null;
  }[];
  timeline: { kind: string; at: Date; text: string }[];
  device: { name: string } | null;
}

const LABELS: Record<StageKey, string> = {
  patch: 'Patch',
  reboot: 'Reboot',
  verification: 'Failed verification',
  alert: 'Alert',
  ticket: 'Ticket',
  rollback: 'Rollback',
  recovery: 'Recovery',
};

const ROLLBACK_TONE: Record<string, StageTone> = {
  succeeded: 'ok',
  failed: 'bad',
  refused: 'bad',
  'awaiting-approval': 'warn',
  'waiting-for-device': 'warn',
};

const earliest = <T extends { at: Date | null }>(items: T[]): T | undefined =>
  [...items].sort((a, b) => (a.at?.getTime() ?? 0) - (b.at?.getTime() ?? 0))[0];

/**
 * The incident's story as the seven stages of the picture on its page. Each stage is read from
 * what the incident recorded (suspects, verification results, linked alerts and tickets,
 * rollbacks, the resolution); a stage with nothing recorded is "not reached", never guessed.
 */
export function incidentStages(i: StagesInput, tools: Map<string, string>): Stage[] {
  const tool = (id: string) => tools.get(id) ?? 'a removed tool';
  const stage = (
    key: StageKey,
    found: { at: Date | null; status: string; tone: StageTone; detail: string } | undefined,
    missing: string,
  ): Stage =>
    found
      ? { key, label: LABELS[key], reached: true, ...found }
      : {
          key,
          label: LABELS[key],
          reached: false,
          at: null,
          status: 'not reached',
          tone: 'none',
          detail: missing,
        };

  const live = i.suspects.filter((s) => s.status !== 'rejected');
  const patch =
    live.find((s) => s.kind === 'patch' && s.status === 'confirmed') ??
    live.filter((s) => s.kind === 'patch').sort((a, b) => a.rank - b.rank)[0];
  const reboots = live.filter((s) => s.kind === 'reboot');
  // The reboot that matters is the first one after the patch (the patch's own reboot).
  const reboot =
    reboots
      .filter((r) => !patch || r.occurredAt.getTime() >= patch.occurredAt.getTime())
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())[0] ?? reboots[0];
  const failedChecks = i.details.verification
    .filter((v) => v.result === 'failed')
    .map((v) => ({ ...v, at: new Date(v.at) }));
  const firstFailure = earliest(failedChecks);
  const alert = earliest(i.alerts.map((a) => ({ ...a, at: a.createdAt })));
  const ticket =
    earliest(
      i.tickets
        .filter((t) => t.relation === 'incident-ticket')
        .map((t) => ({ ...t, at: t.createdAt })),
    ) ?? earliest(i.tickets.map((t) => ({ ...t, at: t.createdAt })));
  const rollback = i.rollbacks.at(-1);
  const wavePatch = i.details.wave?.patchId;
  const resolved = i.state === 'resolved';
  const resolution = [...i.timeline].reverse().find((e) => e.kind === 'resolved');

  return [
    stage(
      'patch',
      patch
        ? {
            at: patch.occurredAt,
            status: patch.status === 'confirmed' ? 'confirmed cause' : 'installed',
            tone: 'done',
            detail: `${patch.patchId} installed${i.device ? ` on ${i.device.name}` : ''}`,
          }
        : wavePatch
          ? {
              at: null,
              status: 'installed',
              tone: 'done',
              detail: `${wavePatch} on every device of the wave`,
            }
          : undefined,
      'no patch before the outage',
    ),
    stage(
      'reboot',
      reboot
        ? {
            at: reboot.occurredAt,
            status: 'rebooted',
            tone: 'done',
            detail: `${i.device?.name ?? 'the device'} restarted`,
          }
        : undefined,
      'no reboot recorded',
    ),
    stage(
      'verification',
      firstFailure
        ? {
            at: firstFailure.at,
            status: 'failed',
            tone: 'bad',
            detail: failedChecks
              .map(
                (v) =>
                  `${v.subject} ${v.what === 'check' ? 'check ' : ''}failed (${v.by ?? tool(v.source)})`,
              )
              .join('; '),
          }
        : undefined,
      i.details.failed.length
        ? `not verified; monitoring reports ${i.details.failed.join(', ')} down`
        : 'no verification failed',
    ),
    stage(
      'alert',
      alert
        ? {
            at: alert.at,
            status: 'raised',
            tone: 'warn',
            detail: `problem ${alert.problemId} on ${tool(alert.instanceId)}`,
          }
        : undefined,
      'no monitoring problem linked',
    ),
    stage(
      'ticket',
      ticket
        ? {
            at: ticket.at,
            status:
              ticket.status === 'closed'
                ? 'closed'
                : ticket.relation === 'incident-ticket'
                  ? 'opened'
                  : 'linked',
            tone: ticket.status === 'closed' ? 'ok' : 'done',
            detail: ticket.externalId
              ? `${ticket.externalId} on ${tool(ticket.instanceId)}`
              : `being created on ${tool(ticket.instanceId)}`,
          }
        : undefined,
      'no ticket',
    ),
    stage(
      'rollback',
      rollback
        ? {
            at: rollback.finishedAt ?? rollback.createdAt,
            status: rollback.state,
            tone: ROLLBACK_TONE[rollback.state] ?? 'active',
            detail: `rollback of ${rollback.patchId}${rollback.requestedBy ? ` asked by ${rollback.requestedBy}` : ''}`,
          }
        : undefined,
      'no rollback asked for',
    ),
    stage(
      'recovery',
      resolved
        ? {
            at: i.resolvedAt,
            status: 'resolved',
            tone: 'ok',
            detail: i.details.resolution?.note ?? resolution?.text ?? 'the incident is resolved',
          }
        : undefined,
      i.details.recovered.length
        ? `${i.details.recovered.join(', ')} running again; waiting for the rest`
        : 'still failing',
    ),
  ];
}
