import { ConnectorError } from '../contract/connector-error';
import type { JsonRpcError } from './zabbix.types';

const MAX_DETAIL = 300;

/** `data` carries the real reason; `message` is a fixed text per code ("Invalid params."). */
function reasonText(error: JsonRpcError): string {
  const data = typeof error.data === 'string' ? error.data.trim() : '';
  return data !== '' ? data : error.message;
}

/**
 * A session that Zabbix no longer accepts: expired (autologout), logged out, or never sent.
 * Zabbix says "Not authorized." (some builds and proxies spell it "Not authorised").
 */
export function isSessionRejected(error: JsonRpcError): boolean {
  return /^(Session terminated|Not authori[sz]ed)/i.test(reasonText(error));
}

/**
 * JSON-RPC error object → ConnectorError. Zabbix folds auth failures into -32602 and
 * permission/internal failures into -32500 (CApiService), so the `data` text decides.
 * `redact` removes credentials, in case a message ever echoes one.
 */
export function fromRpcError(
  method: string,
  error: JsonRpcError,
  redact: (text: string) => string,
): ConnectorError {
  const text = reasonText(error);
  const detail = redact(text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text);
  const message = `zabbix ${method}: ${detail} (JSON-RPC ${error.code})`;
  if (
    /^(Not authori[sz]ed|Session terminated|API token expired|Incorrect user name or password)/i.test(
      text,
    )
  )
    return new ConnectorError(message, 'auth', false);
  if (/No permissions to referred object or it does not exist/i.test(text))
    return new ConnectorError(message, 'not-found', false);
  if (/no permissions|permission denied|do not have permission/i.test(text))
    return new ConnectorError(message, 'denied', false);
  if (error.code === -32500 && /SQL|database/i.test(text))
    return new ConnectorError(message, 'unavailable', true);
  return new ConnectorError(message, 'invalid', false);
}
