import type { AxiosInstance } from 'axios';
import type { Capability, PullStream } from './capabilities';
import type { CanonicalEvent, ServiceState } from './canonical';
import type { ClassConstructor } from './settings';

/** One vendor record as fetched or received, before normalization. Stored in the inbox. */
export interface RawRecord {
  /** What the record is (the vendor's noun): 'problem', 'device', 'event', … */
  type: string;
  /** Stable id of this record version; the inbox deduplicates on it. */
  dedupeKey: string;
  payload: unknown;
}

export interface Page {
  records: RawRecord[];
  /** The cursor to persist once these records are stored; null keeps the previous one. */
  cursor: string | null;
  /** True when another page is available right now. */
  more: boolean;
}

export interface InboundRequest {
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  rawBody: Buffer;
  /** The parsed JSON body (the core rejects malformed JSON before the connector sees it). */
  body: unknown;
}

export type WebhookVerdict =
  { ok: true; records: RawRecord[] } | { ok: false; status: 400 | 401 | 403; message: string };

/** A reference to a thing in a vendor tool: a problem, a ticket, a device. */
export interface ExternalRef {
  id: string;
  /** Extra ids some vendors need alongside (e.g. a board or a queue). */
  extra?: Record<string, string>;
}

export interface TicketDraft {
  /** Stable key of the incident; written into the ticket and searched before creating. */
  correlationKey: string;
  summary: string;
  description: string;
  priority: 'low' | 'medium' | 'high' | 'critical';
  client?: { name: string; externalId?: string };
  device?: { name: string; externalId?: string };
}

/**
 * A message to the people on call (a pager, a chat channel, a mailbox): one per change of an
 * incident's state, never one per repeated report.
 */
export interface PagingMessage {
  /** Stable for the incident across all its messages: PagerDuty's dedup_key, a mail thread. */
  incidentKey: string;
  event: 'opened' | 'recurred' | 'mitigating' | 'resolved';
  severity: 'critical' | 'error' | 'warning' | 'info';
  /** One line, e.g. the alert note: "Server-01 is Offline. Trigger: …". */
  summary: string;
  /** The whole message as plain text (rendered from templates/paging/). */
  text: string;
  /** The incident's page. */
  link: string;
  client?: string;
  device?: string;
}

/** Names one outbox delivery: stable across its retries, different for every other message. */
export interface DeliveryMarker {
  /** Short and plain (`SB-` and 12 hex digits), safe to write into a note the vendor keeps. */
  marker: string;
}

export interface RollbackJob {
  /** Whatever the connector needs to find the run again (the RMM may return no id of its own). */
  jobId: string;
  status: 'queued' | 'running' | 'done' | 'failed';
}

/**
 * The one JSON line the shipped removal script (scripts/windows/Remove-Patch.ps1) prints,
 * found in the run's output by `findPatchRemovalReport` (connectors/shared).
 */
export interface PatchRemovalReport {
  /** 'KB5034441'. */
  kb: string;
  /**
   * removed: DISM removed the package; not-installed: no package carries the KB;
   * refused: permanent or servicing-stack package, left alone; failed: DISM or the script failed.
   */
  outcome: 'removed' | 'not-installed' | 'refused' | 'failed';
  /** The script's exit code (0 removed, 3010 removed and a reboot is pending, see scripts/README.md). */
  exitCode: number;
  packageName?: string;
  /** The removal needs a reboot to finish. */
  rebootRequired?: boolean;
  /** The script started that reboot (-Reboot). */
  rebooting?: boolean;
  /** One sentence for people. */
  message?: string;
}

/** Where a rollback run stands, as the RMM reports it. */
export interface RollbackResult {
  /** running: ask again later (queued, executing, or no result reported yet). */
  state: 'running' | 'succeeded' | 'failed';
  /** The script's exit code, when the RMM or the script's report gives it. */
  exitCode?: number;
  /** What the run printed, at most 2,000 characters (shown on the timeline). */
  output?: string;
  /** The removal script's own report, when its JSON line was found in the output. */
  report?: PatchRemovalReport;
  /** One sentence: what the RMM reported, e.g. "script finished with FAILURE (exit 1)". */
  detail: string;
}

export type CapabilityStatus = 'ok' | 'denied' | 'error';
export type CapabilityReport = Partial<
  Record<Capability, { status: CapabilityStatus; detail?: string }>
>;

export interface ConnectorContext<S> {
  instanceId: string;
  /** Validated settings, secrets decrypted in memory only. */
  settings: S;
  http: AxiosInstance;
  clock: () => Date;
  /** The instance's webhook secret (Switchboard's own scheme, or the vendor's signing key). */
  webhookSecret?: string;
  /** Where the vendor should send webhooks for this instance, when known. */
  webhookUrl?: string;
  /**
   * Stores a new value of one of the instance's secret settings, encrypted, for every replica
   * and restart (a vendor that rotates a refresh token on each renewal needs this).
   */
  saveSecret?: (name: string, value: string) => Promise<void>;
}

/** Quiets a device's alerts in a monitoring tool while Switchboard works on it (a rollback). */
export interface SilenceRequest {
  /** The device's id on this instance (its DeviceLink externalId). */
  device: ExternalRef;
  /** When the tool lifts the silence by itself, should the expiry never come. */
  endsAt: Date;
  /** One line: "Rollback of KB5034441 on SRV-WEB-01 requested by j.smith". */
  reason: string;
  /** The incident's page, for whoever wonders why the alerts are quiet. */
  link: string;
}

export interface Connector {
  check(): Promise<CapabilityReport>;
  /** Pure: vendor record in, canonical events out. Throws ConnectorError('invalid') on bad data. */
  normalize(raw: RawRecord): CanonicalEvent[];
  pullDevices?(cursor: string | null): Promise<Page>;
  pullPatches?(cursor: string | null): Promise<Page>;
  pullHealth?(cursor: string | null): Promise<Page>;
  pullTickets?(cursor: string | null): Promise<Page>;
  getServices?(device: ExternalRef): Promise<ServiceState[]>;
  /** Verify and split a webhook; no I/O. */
  handleWebhook?(req: InboundRequest): WebhookVerdict;
  /**
   * Notes the alert; given a delivery marker, once per marker (the note carries it and the
   * alert's notes are read for it first), so a retry after a lost answer adds nothing.
   */
  pushAlertNote?(target: ExternalRef, text: string, delivery?: DeliveryMarker): Promise<void>;
  /**
   * Silences the device's alerts until `request.endsAt`, once per delivery marker (a retry
   * finds the silence it made). Null when this instance is set not to silence.
   */
  silenceDevice?(request: SilenceRequest, delivery: DeliveryMarker): Promise<ExternalRef | null>;
  /** Lifts a silence silenceDevice made; one already over or gone is a no-op. */
  expireSilence?(silence: ExternalRef, delivery: DeliveryMarker): Promise<void>;
  /** Idempotent on draft.correlationKey: searches for the key before creating. */
  upsertTicket?(draft: TicketDraft): Promise<ExternalRef>;
  /**
   * Adds the note once per `delivery.marker`: a retry after a lost answer finds the marker
   * (written into the note, or checked before adding) and adds nothing.
   */
  noteTicket?(target: ExternalRef, text: string, delivery: DeliveryMarker): Promise<void>;
  /** Notes (once per marker, as noteTicket) and closes; closing a closed ticket is a no-op. */
  closeTicket?(target: ExternalRef, note: string, delivery: DeliveryMarker): Promise<void>;
  /**
   * The outage came back: the ticket is moved back to an open status if it was closed, and
   * gets the note either way (once per marker). Safe to retry.
   */
  reopenTicket?(target: ExternalRef, note: string, delivery: DeliveryMarker): Promise<void>;
  /**
   * Starts the removal of one patch on one device through the RMM's script runner. Never
   * retried blindly by the connector: an RMM that returns no job id may have started it.
   */
  runRollback?(device: ExternalRef, patchId: string): Promise<RollbackJob>;
  /**
   * What runRollback would send (the script, its parameters, the call), without sending it:
   * a dry run shows it. No I/O; throws ConnectorError('invalid') when it could not run.
   */
  planRollback?(device: ExternalRef, patchId: string): Record<string, unknown>;
  /** Follows a run started by runRollback to its result; read-only, safe to call repeatedly. */
  rollbackResult?(device: ExternalRef, jobId: string): Promise<RollbackResult>;
  /**
   * Tells the people on call. Sends nothing (and succeeds) when the message is below the
   * instance's own severity threshold. A retry after a lost answer is deduplicated where the
   * vendor allows it (PagerDuty by the incident key, e-mail by its Message-ID); a chat webhook
   * (Slack, Teams) has no such key and may show the message twice.
   */
  notify?(message: PagingMessage, delivery: DeliveryMarker): Promise<void>;
}

export interface ConnectorDefinition<S extends object = object> {
  /** Equals the folder name: 'connectwise-manage'. */
  kind: string;
  displayName: string;
  capabilities: readonly Capability[];
  settings: ClassConstructor<S>;
  /** Default poll interval for pull capabilities; an instance may override it. */
  defaultPollSeconds?: number;
  create(ctx: ConnectorContext<S>): Connector;
}

export const PULL_METHOD: Record<
  PullStream,
  'pullDevices' | 'pullPatches' | 'pullHealth' | 'pullTickets'
> = {
  devices: 'pullDevices',
  patches: 'pullPatches',
  health: 'pullHealth',
  tickets: 'pullTickets',
};
