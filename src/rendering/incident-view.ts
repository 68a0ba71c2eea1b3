/**
 * What templates see of an incident: canonical data, prepared by the incidents side
 * (IncidentViewBuilder), never vendor payloads or entities. Names here are the contract with
 * every shipped and MSP-overridden template, so renaming one breaks their texts silently.
 */
export interface IncidentView {
  id: string;
  key: string;
  state: 'open' | 'mitigating' | 'resolved';
  title: string;
  client: { name: string } | null;
  device: { name: string; status: 'Offline' | 'Degraded' | 'Online' } | null;
  /** label e.g. 'Post-Patch Reboot', 'Post-Patch', 'Unknown', 'Patch Wave'. */
  cause: { code: 'post-patch-reboot' | 'post-patch' | 'unknown' | 'patch-wave'; label: string };
  /** 0..1 */
  confidence: number;
  /** The suspected/confirmed patches; ISO dates. */
  patches: { id: string; title: string | null; installedAt: string }[];
  reboot: { at: string } | null;
  /** Services currently failed. */
  failedServices: string[];
  recoveredServices: string[];
  /** Each result a verification reported; `what` absent means a service. */
  verification: {
    subject: string;
    what?: 'service' | 'check';
    result: 'failed' | 'ok';
    at: string;
    /** The tool (connector instance) that reported it. */
    source: string;
    /** The check that said it (a script's name), when not the tool itself. */
    by?: string;
  }[];
  /**
   * What verification (a post-patch service check, a check script) found failing, by the
   * latest result per subject: the alert's "Verification:" sentence says this and only this.
   */
  verifiedFailures: { services: string[]; checks: string[] };
  /** Failing according to monitoring alone, not confirmed by any verification. */
  reportedOnly: string[];
  suspects: {
    kind: 'patch' | 'reboot';
    patchId: string | null;
    title: string | null;
    at: string;
    status: 'suspected' | 'confirmed' | 'rejected';
    reasons: string[];
  }[];
  timeline: { at: string; text: string }[];
  wave: { patchId: string; devices: number; clients: number; recommendation: string } | null;
  links: { incident: string; rollback: string | null };
  openedAt: string;
  /** When the outage began (the earliest failure known; may precede openedAt). */
  outageSince: string;
  resolvedAt: string | null;
  /** For update/resolve notes: what changed, in plain words (e.g. "Service 'MSSQLSERVER' is running again."). */
  change?: string;
}
