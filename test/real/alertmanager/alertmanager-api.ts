/** The few Alertmanager API v2 calls the real spec makes itself (as Prometheus or an admin would). */

export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface ListedAlert {
  fingerprint: string;
  labels: Record<string, string>;
  startsAt: string;
  status: { state: string; silencedBy: string[] };
}

export function realAlertmanager() {
  return {
    url: process.env.ALERTMANAGER_URL ?? '',
    receiverPort: Number(process.env.ALERTMANAGER_RECEIVER_PORT ?? 19094),
    tokenFile: process.env.ALERTMANAGER_TOKEN_FILE ?? '',
  };
}

export class AlertmanagerApi {
  constructor(private readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/api/v2${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** What Prometheus does: fire (no endsAt) or resolve (endsAt now) alerts. */
  postAlerts(alerts: PostableAlert[]): Promise<void> {
    return this.call('POST', '/alerts', alerts);
  }

  alerts(filter: string): Promise<ListedAlert[]> {
    return this.call('GET', `/alerts?filter=${encodeURIComponent(filter)}`);
  }

  silence(
    id: string,
  ): Promise<{ id: string; status: { state: string }; createdBy: string; comment: string }> {
    return this.call('GET', `/silence/${id}`);
  }
}
