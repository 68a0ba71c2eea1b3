/** The Events API v2 alert event (POST /v2/enqueue), as PagerDuty names its fields. */
export interface PagerDutyTriggerEvent {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  payload: {
    /** At most 1024 characters. */
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    custom_details: Record<string, string>;
  };
  links: { href: string; text: string }[];
  client: string;
  client_url: string;
}

/** acknowledge and resolve carry only the key of the alert they act on. */
export interface PagerDutyFollowUpEvent {
  routing_key: string;
  event_action: 'acknowledge' | 'resolve';
  dedup_key: string;
}

export type PagerDutyEvent = PagerDutyTriggerEvent | PagerDutyFollowUpEvent;

/** 202: `{ status: 'success', message: 'Event processed', dedup_key }`. */
export interface PagerDutyAccepted {
  status: string;
  message: string;
  dedup_key: string;
}

/** 400: `{ status: 'invalid event', message: 'Event object is invalid', errors: [...] }`. */
export interface PagerDutyRejected {
  status: string;
  message: string;
  errors?: string[];
}
