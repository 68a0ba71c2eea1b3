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
  jobId: string;
  status: 'queued' | 'running' | 'done' | 'failed';
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
  pushAlertNote?(target: ExternalRef, text: string): Promise<void>;
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
  runRollback?(device: ExternalRef, patchId: string): Promise<RollbackJob>;
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
