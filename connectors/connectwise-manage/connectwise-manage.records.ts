import { createHash } from 'node:crypto';
import type { CanonicalEvent } from '../contract/canonical';
import type { RawRecord } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { toClientSeen, toDeviceSeen, toTicketSeen } from './connectwise-manage.mapper';
import {
  asCompany,
  asConfiguration,
  asConfigurationReference,
  asListOf,
  asObject,
  asTicket,
} from './connectwise-manage.parse';
import type {
  ManageCompany,
  ManageConfiguration,
  ManageConfigurationReference,
  ManageInfo,
  ManageTicket,
} from './connectwise-manage.types';

/** The raw records this connector stores, one type per vendor noun. */
export type ManageRecordType = 'company' | 'configuration' | 'ticket';

/**
 * Same record version, same key, whether it came from a poll or a callback: the inbox then
 * drops the repeats that overlapping polls produce.
 */
function versionKey(
  type: ManageRecordType,
  id: number,
  info: ManageInfo | undefined,
  body: unknown,
): string {
  const version =
    info?.lastUpdated ?? createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return `${type}:${id}:${version}`;
}

export function companyRecord(company: ManageCompany): RawRecord {
  return {
    type: 'company',
    dedupeKey: versionKey('company', company.id, company._info, company),
    payload: company,
  };
}

export function configurationRecord(configuration: ManageConfiguration): RawRecord {
  return {
    type: 'configuration',
    dedupeKey: versionKey('configuration', configuration.id, configuration._info, configuration),
    payload: configuration,
  };
}

export function ticketRecord(
  ticket: ManageTicket,
  configurations?: ManageConfigurationReference[],
): RawRecord {
  const base = versionKey('ticket', ticket.id, ticket._info, ticket);
  // Attaching a configuration may not bump lastUpdated, so the attachments are part of the version.
  const attached = configurations ? `:c${configurations.map((c) => c.id).join(',')}` : '';
  return {
    type: 'ticket',
    dedupeKey: base + attached,
    payload: configurations ? { ticket, configurations } : { ticket },
  };
}

function normalizeTicket(payload: unknown): CanonicalEvent[] {
  const o = asObject(payload, 'ticket record');
  const ticket = asTicket(o.ticket, 'ticket record.ticket');
  const configurations =
    o.configurations === undefined
      ? undefined
      : asListOf(o.configurations, 'ticket record.configurations', asConfigurationReference);
  return [toTicketSeen({ ticket, configurations })];
}

/** Parse, then map: a stored record with a bad shape fails as `invalid`, naming the field. */
export function normalizeRecord(raw: RawRecord): CanonicalEvent[] {
  switch (raw.type) {
    case 'company':
      return [toClientSeen(asCompany(raw.payload))];
    case 'configuration':
      return [toDeviceSeen(asConfiguration(raw.payload))];
    case 'ticket':
      return normalizeTicket(raw.payload);
    default:
      throw ConnectorError.invalid(`connectwise-manage: unknown record type ${raw.type}`);
  }
}
