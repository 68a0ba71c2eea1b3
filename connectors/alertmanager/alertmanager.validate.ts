import type {
  AlertmanagerAlertRecord,
  AlertmanagerGettableAlert,
  AlertmanagerGettableSilence,
  AlertmanagerLabels,
} from './alertmanager.types';

type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isLabels(value: unknown): value is AlertmanagerLabels {
  return isObj(value) && Object.values(value).every((v) => typeof v === 'string');
}

/** Alertmanager's fingerprint: 16 hex digits of a hash of the label set. */
export const FINGERPRINT = /^[0-9a-f]{16}$/;

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * An RFC 3339 time as Alertmanager writes it: seconds, milliseconds (API v2) or nanoseconds
 * (webhook, from Prometheus), truncated to milliseconds. Go's zero time (`0001-01-01T00:00:00Z`,
 * a firing alert with no end) and anything unparseable are undefined.
 */
export function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const match = RFC3339.exec(value.trim());
  if (!match) return undefined;
  const fraction = (match[2] ?? '').slice(0, 3).padEnd(3, '0');
  const date = new Date(`${match[1]}.${fraction}${match[3].toUpperCase()}`);
  const ms = date.getTime();
  if (Number.isNaN(ms) || date.getUTCFullYear() < 1970) return undefined;
  return date;
}

/** Problems with one alert (webhook or record shape), each naming its field. */
export function alertProblems(alert: unknown, path: string): string[] {
  if (!isObj(alert)) return [`${path}: must be an object`];
  const problems: string[] = [];
  if (alert.status !== 'firing' && alert.status !== 'resolved')
    problems.push(`${path}.status: must be "firing" or "resolved"`);
  if (typeof alert.fingerprint !== 'string' || !FINGERPRINT.test(alert.fingerprint))
    problems.push(`${path}.fingerprint: must be 16 hex digits`);
  if (!isLabels(alert.labels) || Object.keys(alert.labels).length === 0)
    problems.push(`${path}.labels: must be a non-empty object of strings`);
  if (alert.annotations !== undefined && !isLabels(alert.annotations))
    problems.push(`${path}.annotations: must be an object of strings`);
  if (!parseTime(alert.startsAt)) problems.push(`${path}.startsAt: must be an RFC 3339 time`);
  if (alert.endsAt !== undefined && typeof alert.endsAt !== 'string')
    problems.push(`${path}.endsAt: must be an RFC 3339 time`);
  if (alert.generatorURL !== undefined && typeof alert.generatorURL !== 'string')
    problems.push(`${path}.generatorURL: must be a string`);
  return problems;
}

/** Problems with a webhook body; empty when it is a usable version-4 payload. */
export function webhookProblems(body: unknown): string[] {
  if (!isObj(body)) return ['body: must be a JSON object'];
  if (body.version !== '4')
    return [`body.version: must be "4" (got ${JSON.stringify(body.version)?.slice(0, 20)})`];
  if (!Array.isArray(body.alerts)) return ['body.alerts: must be an array'];
  const problems = body.alerts.flatMap((a, i) => alertProblems(a, `body.alerts[${i}]`));
  if (body.groupKey !== undefined && typeof body.groupKey !== 'string')
    problems.push('body.groupKey: must be a string');
  if (
    body.truncatedAlerts !== undefined &&
    !(Number.isInteger(body.truncatedAlerts) && (body.truncatedAlerts as number) >= 0)
  )
    problems.push('body.truncatedAlerts: must be a whole number');
  return problems;
}

export function isGettableAlert(value: unknown): value is AlertmanagerGettableAlert {
  return (
    isObj(value) &&
    typeof value.fingerprint === 'string' &&
    FINGERPRINT.test(value.fingerprint) &&
    isLabels(value.labels) &&
    (value.annotations === undefined || isLabels(value.annotations)) &&
    parseTime(value.startsAt) !== undefined
  );
}

export function isAlertRecord(value: unknown): value is AlertmanagerAlertRecord {
  return (
    isObj(value) &&
    (value.via === 'webhook' || value.via === 'poll') &&
    alertProblems(value, 'payload').length === 0
  );
}

export function isGettableSilence(value: unknown): value is AlertmanagerGettableSilence {
  return (
    isObj(value) &&
    typeof value.id === 'string' &&
    isObj(value.status) &&
    typeof value.status.state === 'string' &&
    typeof value.comment === 'string' &&
    typeof value.createdBy === 'string' &&
    Array.isArray(value.matchers)
  );
}
