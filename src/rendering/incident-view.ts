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
  verification: { subject: string; result: 'failed' | 'ok'; at: string; source: string }[];
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
  resolvedAt: string | null;
  /** For update/resolve notes: what changed, in plain words (e.g. "Service 'MSSQLSERVER' is running again."). */
  change?: string;
}
