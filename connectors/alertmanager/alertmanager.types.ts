/** Raw Alertmanager shapes (0.25.0; shared/api/alertmanager.md), named after its own objects. */

export type AlertmanagerLabels = Record<string, string>;

/** One alert of a webhook notification (`alerts[]` of a version-4 payload). */
export interface AlertmanagerWebhookAlert {
  status: 'firing' | 'resolved';
  labels: AlertmanagerLabels;
  annotations: AlertmanagerLabels;
  startsAt: string;
  /** `0001-01-01T00:00:00Z` while firing with no end given by the sender. */
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** The webhook receiver's body (`webhook_configs`, payload version "4"). */
export interface AlertmanagerWebhookMessage {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: AlertmanagerLabels;
  commonLabels: AlertmanagerLabels;
  commonAnnotations: AlertmanagerLabels;
  externalURL: string;
  alerts: AlertmanagerWebhookAlert[];
}

/** `GET /api/v2/alerts` item (gettableAlert). Resolved alerts are not listed. */
export interface AlertmanagerGettableAlert {
  labels: AlertmanagerLabels;
  annotations: AlertmanagerLabels;
  startsAt: string;
  /** A firing alert's expected end (startsAt + resolve_timeout, or the sender's). */
  endsAt: string;
  updatedAt: string;
  fingerprint: string;
  generatorURL?: string;
  receivers: { name: string }[];
  status: {
    state: 'active' | 'suppressed' | 'unprocessed';
    silencedBy: string[];
    inhibitedBy: string[];
  };
}

export interface AlertmanagerMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** false = negative matcher (0.22+); default true. */
  isEqual?: boolean;
}

/** `POST /api/v2/silences` body (postableSilence); `id` updates an existing one. */
export interface AlertmanagerPostableSilence {
  id?: string;
  matchers: AlertmanagerMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** `GET /api/v2/silences` item (gettableSilence). Expired ones stay listed until collected. */
export interface AlertmanagerGettableSilence extends AlertmanagerPostableSilence {
  id: string;
  status: { state: 'active' | 'pending' | 'expired' };
  updatedAt: string;
}

/**
 * What Switchboard stores in its inbox for one alert, by webhook or by poll: the alert's own
 * fields, flattened to the webhook shape, and how it was learnt.
 */
export interface AlertmanagerAlertRecord {
  via: 'webhook' | 'poll';
  status: 'firing' | 'resolved';
  fingerprint: string;
  labels: AlertmanagerLabels;
  annotations: AlertmanagerLabels;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
  /**
   * Poll only: the alert was firing at the previous poll and is gone now (resolved, expired,
   * or lost by a restarted Alertmanager); the time it was found missing.
   */
  missingSince?: string;
  /** Webhook only: the group it came in, for people reading the inbox. */
  groupKey?: string;
  externalURL?: string;
}
