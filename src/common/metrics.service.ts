import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly webhooksAccepted = new Counter({
    name: 'switchboard_webhooks_accepted_total',
    help: 'Webhook records stored in the inbox',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly webhooksDuplicate = new Counter({
    name: 'switchboard_webhooks_duplicate_total',
    help: 'Webhook records already in the inbox',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly webhooksRejected = new Counter({
    name: 'switchboard_webhooks_rejected_total',
    help: 'Webhook requests rejected, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly inboxLag = new Gauge({
    name: 'switchboard_inbox_lag_seconds',
    help: 'Age of the oldest pending inbox record',
    registers: [this.registry],
  });
  readonly inboxPending = new Gauge({
    name: 'switchboard_inbox_pending',
    help: 'Inbox records waiting for normalization',
    registers: [this.registry],
  });
  readonly inboxFailed = new Counter({
    name: 'switchboard_inbox_failed_total',
    help: 'Inbox records that could not be normalized',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly inboxLockRetries = new Counter({
    name: 'switchboard_inbox_lock_retries_total',
    help: 'Inbox records put back for the next batch after losing a lock race (deadlock) to another replica',
    registers: [this.registry],
  });
  readonly outboxLeaseLost = new Counter({
    name: 'switchboard_outbox_lease_lost_total',
    help: 'Claimed outbox messages not delivered because another replica took them over first',
    labelNames: ['action'],
    registers: [this.registry],
  });
  readonly pollDuration = new Histogram({
    name: 'switchboard_poll_duration_seconds',
    help: 'Duration of one poll of one stream',
    labelNames: ['kind', 'stream'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly pollErrors = new Counter({
    name: 'switchboard_poll_errors_total',
    help: 'Failed polls',
    labelNames: ['kind', 'stream', 'reason'],
    registers: [this.registry],
  });
  readonly rollbacks = new Counter({
    name: 'switchboard_rollbacks_total',
    help: 'Rollbacks by the state they reached: requested, refused, running, succeeded, failed',
    labelNames: ['state'],
    registers: [this.registry],
  });

  readonly outboxDepth = new Gauge({
    name: 'switchboard_outbox_depth',
    help: 'Outbox messages by status',
    labelNames: ['status'],
    registers: [this.registry],
  });
  readonly outboxDeliveries = new Counter({
    name: 'switchboard_outbox_deliveries_total',
    help: 'Outbox delivery attempts by outcome',
    labelNames: ['action', 'outcome'],
    registers: [this.registry],
  });
  readonly outboxDeadLetters = new Counter({
    name: 'switchboard_outbox_dead_letters_total',
    help: 'Outbox messages given up on',
    labelNames: ['action'],
    registers: [this.registry],
  });

  readonly incidents = new Counter({
    name: 'switchboard_incidents_total',
    help: 'Incidents by lifecycle event (opened, resolved, recurred) and cause',
    labelNames: ['event', 'cause'],
    registers: [this.registry],
  });
  readonly deliveredActions = new Counter({
    name: 'switchboard_actions_delivered_total',
    help: 'What the tools were told, delivered: ticket upserted, ticket noted/closed/reopened, alert noted, rollback started, page sent',
    labelNames: ['action', 'kind'],
    registers: [this.registry],
  });
  readonly outboxDeliverySeconds = new Histogram({
    name: 'switchboard_outbox_delivery_seconds',
    help: 'From the decision (message queued) to the tool having it, by action',
    labelNames: ['action'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
    registers: [this.registry],
  });
  readonly correlationSeconds = new Histogram({
    name: 'switchboard_correlation_decision_seconds',
    help: 'Time to decide on one recorded event (device lock, rules, incident written), by event type',
    labelNames: ['type'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly webhookToIncidentSeconds = new Histogram({
    name: 'switchboard_webhook_to_incident_seconds',
    help: 'From the record arriving (webhook or poll) to the incident decision committed, by lifecycle event',
    labelNames: ['event'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly httpSeconds = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status class',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  readonly outboxDeadByInstance = new Gauge({
    name: 'switchboard_outbox_dead',
    help: 'Dead-lettered outbox messages waiting for a person, by connector instance',
    labelNames: ['instance_id', 'kind'],
    registers: [this.registry],
  });
  readonly pollLag = new Gauge({
    name: 'switchboard_connector_poll_lag_seconds',
    help: 'Seconds since the last successful poll of a stream (absent until the first success)',
    labelNames: ['instance_id', 'kind', 'stream'],
    registers: [this.registry],
  });
  readonly pollFailing = new Gauge({
    name: 'switchboard_connector_poll_failing',
    help: '1 when the last poll of a stream failed after its last success, else 0',
    labelNames: ['instance_id', 'kind', 'stream'],
    registers: [this.registry],
  });
  readonly vendorRequests = new Counter({
    name: 'switchboard_vendor_requests_total',
    help: 'Calls to vendor APIs by outcome: ok, failed (no answer, 5xx, 401), rate-limited (429), rejected (other 4xx), over-budget and circuit-open (not sent)',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  readonly circuitOpened = new Counter({
    name: 'switchboard_connector_circuit_opened_total',
    help: 'Times a connector instance was paused by its circuit breaker after failing calls in a row',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly circuitOpen = new Gauge({
    name: 'switchboard_connector_circuit_open',
    help: '1 while a connector instance is paused by its circuit breaker, else 0',
    labelNames: ['instance_id', 'kind'],
    registers: [this.registry],
  });
  readonly requestsLastHour = new Gauge({
    name: 'switchboard_connector_requests_last_hour',
    help: 'Vendor calls counted against an instance request budget in the rolling hour',
    labelNames: ['instance_id', 'kind'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
  }
}
