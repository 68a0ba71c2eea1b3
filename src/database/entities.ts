import { ApiToken } from '../access/entities/api-token.entity';
import { AuditEntry } from '../audit/entities/audit-entry.entity';
import { ConnectorInstance } from '../connector-instances/entities/connector-instance.entity';
import { PollState } from '../connector-instances/entities/poll-state.entity';
import { InboxEvent } from '../ingest/entities/inbox-event.entity';
import { Incident } from '../incidents/entities/incident.entity';
import { IncidentTimeline } from '../incidents/entities/incident-timeline.entity';
import { TicketLink } from '../incidents/entities/ticket-link.entity';
import { MaintenanceWindow, RuleOverride } from '../correlation/config.entities';
import { ClientRoute } from '../connector-instances/entities/client-route.entity';
import { DeviceTimeline } from '../inventory/entities/device-timeline.entity';
import { Decision } from '../correlation/decision.entity';
import { DeferredCheck } from '../correlation/deferred-check.entity';
import { AlertLink } from '../incidents/entities/alert-link.entity';
import { IncidentSuspect } from '../incidents/entities/incident-suspect.entity';
import { Client } from '../inventory/entities/client.entity';
import { ClientLink } from '../inventory/entities/client-link.entity';
import { Device } from '../inventory/entities/device.entity';
import { DeviceLink } from '../inventory/entities/device-link.entity';
import { HealthEvent } from '../inventory/entities/health-event.entity';
import { PatchEvent } from '../inventory/entities/patch-event.entity';
import { OutboxMessage } from '../outbox/entities/outbox-message.entity';
import { BlockedPatch } from '../rollback/entities/blocked-patch.entity';
import { Rollback } from '../rollback/entities/rollback.entity';
import { UnremovablePatchRule } from '../rollback/entities/unremovable-patch-rule.entity';

export const ENTITIES = [
  Rollback,
  BlockedPatch,
  UnremovablePatchRule,
  ApiToken,
  AuditEntry,
  ConnectorInstance,
  PollState,
  InboxEvent,
  Incident,
  IncidentTimeline,
  TicketLink,
  Client,
  ClientLink,
  Device,
  DeviceLink,
  HealthEvent,
  PatchEvent,
  OutboxMessage,
  IncidentSuspect,
  AlertLink,
  DeferredCheck,
  Decision,
  RuleOverride,
  ClientRoute,
  MaintenanceWindow,
  DeviceTimeline,
];
