/** What an incident knows beyond its columns (stored as jsonb `details`). */
export interface IncidentDetails {
  /** Services or checks currently failing. */
  failed: string[];
  recovered: string[];
  deviceDown: boolean;
  evidence: string[];
  rule: { name: string; settings: Record<string, unknown> };
  /** What verification found: a service's state, or a check's result (`what` absent: service). */
  verification: {
    subject: string;
    what?: 'service' | 'check';
    result: 'failed' | 'ok';
    at: string;
    source: string;
    /** The check that said it (a script), when not the tool itself. */
    by?: string;
  }[];
  wave?: WaveDecision;
  /** When the outage began: the earliest failure the incident knows (ISO), which may be before it opened. */
  outageSince?: string;
  /** Outbound paging suppressed (maintenance window): the record is kept. */
  suppressedReason?: string;
  resolution?: { by: string; note: string };
}

export function details(raw: object): IncidentDetails {
  const d = raw as Partial<IncidentDetails>;
  return {
    failed: d.failed ?? [],
    recovered: d.recovered ?? [],
    deviceDown: d.deviceDown ?? false,
    evidence: d.evidence ?? [],
    rule: d.rule ?? { name: 'post-patch-outage', settings: {} },
    verification: d.verification ?? [],
    ...(d.outageSince ? { outageSince: d.outageSince } : {}),
    ...(d.wave ? { wave: d.wave } : {}),
    ...(d.suppressedReason ? { suppressedReason: d.suppressedReason } : {}),
    ...(d.resolution ? { resolution: d.resolution } : {}),
  };
}

/** A patch wave as the incident records it. */
export interface WaveDecision {
  patchId: string;
  devices: number;
  clients: number;
  recommendation: string;
}
