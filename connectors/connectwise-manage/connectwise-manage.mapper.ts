import type { ClientRef, ClientSeen, DeviceSeen, TicketSeen } from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import { correlationKeyOf } from './connectwise-manage.marker';
import type {
  ManageCompany,
  ManageConfiguration,
  ManageInfo,
  ManageReference,
  ManageTicketRecord,
} from './connectwise-manage.types';

/** Pure ConnectWise → canonical mapping; inputs have passed connectwise-manage.parse. */

function present(value: string | undefined | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function lastChange(info: ManageInfo | undefined): Date | undefined {
  const when = info?.lastUpdated ?? info?.dateEntered;
  return when ? new Date(when) : undefined;
}

function clientOf(company: ManageReference | undefined): ClientRef | undefined {
  if (!company) return undefined;
  return { externalId: String(company.id), name: present(company.name) };
}

export function toClientSeen(company: ManageCompany): ClientSeen {
  const name = present(company.name);
  if (!name) throw ConnectorError.invalid(`connectwise-manage: company ${company.id} has no name`);
  return { type: 'client', client: { externalId: String(company.id), name } };
}

export function toDeviceSeen(configuration: ManageConfiguration): DeviceSeen {
  const id = String(configuration.id);
  return {
    type: 'device',
    sourceId: id,
    occurredAt: lastChange(configuration._info),
    client: clientOf(configuration.company),
    device: {
      externalId: id,
      // RMM-synced configurations are named after the machine.
      hostname: present(configuration.name),
      ip: present(configuration.ipAddress),
      serial: present(configuration.serialNumber),
    },
    displayName: present(configuration.name),
    role: present(configuration.type?.name),
    os: present(configuration.osInfo) ?? present(configuration.osType),
  };
}

export function toTicketSeen({ ticket, configurations }: ManageTicketRecord): TicketSeen {
  const occurredAt = lastChange(ticket._info);
  if (!occurredAt) {
    throw ConnectorError.invalid(
      `connectwise-manage: ticket ${ticket.id} has neither _info.lastUpdated nor _info.dateEntered`,
    );
  }
  // TicketSeen names one device; the first attached configuration is the one the ticket is about.
  const device = configurations?.[0];
  return {
    type: 'ticket',
    sourceId: String(ticket.id),
    occurredAt,
    client: clientOf(ticket.company),
    ticketId: String(ticket.id),
    device: device ? { externalId: String(device.id) } : undefined,
    summary: ticket.summary,
    // closedFlag is derived by PSA from the status' closedStatus flag.
    status: ticket.closedFlag === true ? 'closed' : 'open',
    closedBy: present(ticket.closedBy),
    correlationKey: correlationKeyOf(ticket),
  };
}
