/** Header and field names whose values never reach a log line. */
export const REDACTED_HEADERS = [
  'authorization',
  'x-switchboard-token',
  'cookie',
  'clientid',
  'x-api-key',
  'apikey',
];

/** Strips credentials from a URL's query string before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](token|access_token|api_key|apikey|secret)=)[^&]*/gi, '$1[REDACTED]');
}
