import type { InboundRequest, RawRecord, WebhookVerdict } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { hasSwitchboardToken } from '../shared/webhook-signature';
import { asCompany, asConfiguration, asTicket } from './connectwise-manage.parse';
import { companyRecord, configurationRecord, ticketRecord } from './connectwise-manage.records';

/**
 * PSA callbacks. The vendor's own signature needs a fetch of Metadata.key_url, and this hook
 * does no I/O, so the callback URL carries Switchboard's token instead (README: "Callbacks").
 */

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function reject(message: string): WebhookVerdict {
  return { ok: false, status: 400, message };
}

/** Entity is the record serialised as a JSON string; parse it a second time. */
function entityOf(body: Obj): unknown {
  const entity = body.Entity;
  if (typeof entity !== 'string') return entity;
  try {
    return JSON.parse(entity);
  } catch {
    return undefined;
  }
}

function recordFor(type: string, id: number, entity: unknown): RawRecord | undefined {
  const read = {
    ticket: () => ticketRecord(asTicket(entity, 'Entity')),
    company: () => companyRecord(asCompany(entity, 'Entity')),
    configuration: () => configurationRecord(asConfiguration(entity, 'Entity')),
  }[type];
  if (!read) return undefined;
  const record = read();
  const entityId = (entity as { id: number }).id;
  if (entityId !== id) throw ConnectorError.invalid(`Entity.id ${entityId} differs from ID ${id}`);
  return record;
}

export function handleManageCallback(
  req: InboundRequest,
  secret: string | undefined,
): WebhookVerdict {
  if (!hasSwitchboardToken(req, secret)) {
    return {
      ok: false,
      status: 401,
      message: 'missing or wrong webhook secret (token query parameter of the callback URL)',
    };
  }
  const body = req.body;
  if (!isObj(body)) return reject('body: must be a callback object');
  const { ID, Action, Type } = body;
  if (typeof ID !== 'number' || !Number.isInteger(ID)) return reject('body.ID: must be an integer');
  if (typeof Action !== 'string') return reject('body.Action: must be a string');
  if (typeof Type !== 'string') return reject('body.Type: must be a string');
  // A deleted record's Entity shape is unconfirmed; nothing Switchboard keeps depends on it.
  if (Action.toLowerCase() === 'deleted') return { ok: true, records: [] };
  const entity = entityOf(body);
  if (!isObj(entity)) return reject('body.Entity: must be the record as a JSON object or string');
  try {
    const record = recordFor(Type.toLowerCase(), ID, entity);
    // Other callback types (contact, project, …) are acknowledged so PSA does not retry them.
    return { ok: true, records: record ? [record] : [] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return reject(`body.${message.replace(/^connectwise-manage: /, '')}`);
  }
}
