import { IsString, IsUrl } from 'class-validator';
import type {
  Connector,
  ConnectorContext,
  ConnectorDefinition,
  ExternalRef,
  Page,
  RawRecord,
} from '../../connectors/contract/connector';
import type { CanonicalEvent } from '../../connectors/contract/canonical';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { Secret } from '../../connectors/contract/settings';
import { toConnectorError } from '../../connectors/shared/http';

/** An in-test connector that talks real HTTP to a stub vendor (test/support/stub-vendor.ts). */
export class ProbeSettings {
  @IsUrl({ require_tld: false })
  baseUrl!: string;

  @Secret()
  @IsString()
  apiKey!: string;
}

interface ProbeDevice {
  id: string;
  name: string;
  client: string;
}

class ProbeConnector implements Connector {
  constructor(private readonly ctx: ConnectorContext<ProbeSettings>) {}

  private async request<T>(method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
    try {
      const res = await this.ctx.http.request<T>({
        method,
        url: this.ctx.settings.baseUrl + path,
        data,
        headers: { 'X-Api-Key': this.ctx.settings.apiKey },
      });
      return res.data;
    } catch (err) {
      throw toConnectorError('probe', err);
    }
  }

  async check() {
    await this.request('GET', '/ping');
    return { devices: { status: 'ok' as const }, 'alerts.note': { status: 'ok' as const } };
  }

  normalize(raw: RawRecord): CanonicalEvent[] {
    const d = raw.payload as ProbeDevice;
    if (!d || typeof d.name !== 'string')
      throw ConnectorError.invalid('probe device: name missing');
    return [
      {
        type: 'device',
        device: { externalId: d.id, hostname: d.name },
        client: { name: d.client },
      },
    ];
  }

  async pullDevices(cursor: string | null): Promise<Page> {
    const page = await this.request<{ devices: ProbeDevice[]; next: string | null }>(
      'GET',
      `/devices?after=${cursor ?? ''}`,
    );
    return {
      records: page.devices.map((d) => ({
        type: 'device',
        dedupeKey: d.id === 'broken' ? (null as unknown as string) : `device:${d.id}`,
        payload: d,
      })),
      cursor: page.next ?? cursor,
      more: page.next !== null,
    };
  }

  async pushAlertNote(target: ExternalRef, text: string): Promise<void> {
    await this.request('POST', `/problems/${target.id}/notes`, { text });
  }
}

export const probeConnector: ConnectorDefinition<ProbeSettings> = {
  kind: 'probe',
  displayName: 'Probe (tests only)',
  capabilities: ['devices', 'alerts.note'],
  settings: ProbeSettings,
  defaultPollSeconds: 3600,
  create: (ctx) => new ProbeConnector(ctx),
};
