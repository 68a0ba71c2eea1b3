import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectWiseManageSettings } from '../connectors/connectwise-manage/connectwise-manage.settings';
import type { NinjaOneSettings } from '../connectors/ninjaone/ninjaone.settings';
import type { ZabbixSettings } from '../connectors/zabbix/zabbix.settings';
import { ConnectWiseManageStandIn } from '../connectors/connectwise-manage/stand-in/connectwise-manage.stand-in';
import { MONITORING_BOARD } from '../connectors/connectwise-manage/stand-in/connectwise-manage.state';
import { NinjaOneStandIn } from '../connectors/ninjaone/stand-in/ninjaone.stand-in';
import { selfSignedCertificate, trustInThisProcess } from '../connectors/shared/stand-in/tls';
import { ZabbixStandIn } from '../connectors/zabbix/stand-in/zabbix.stand-in';

/**
 * Starts the three vendor stand-ins for `npm run demo` and says how to point Switchboard's
 * real connectors at them: the settings objects below go, unchanged, into connector instances
 * (they are typed against the connectors' settings classes, so a renamed field fails to build).
 */

export {
  ConnectWiseManageStandIn,
  MONITORING_BOARD,
  NinjaOneStandIn,
  ZabbixStandIn,
  trustInThisProcess,
};
export type {
  NewConfiguration,
  TicketSnapshot,
} from '../connectors/connectwise-manage/stand-in/connectwise-manage.state';
export type { NewDevice, ScriptRunRequest } from '../connectors/ninjaone/stand-in/ninjaone.state';
export type { NewHostOptions, ProblemOptions } from '../connectors/zabbix/stand-in/zabbix.state';

/** The NinjaOne library script the rollback runs (the stand-in records the request). */
export const ROLLBACK_SCRIPT_ID = 311;
/** Zabbix host groups named `Customers/<client>` are clients; stock groups are ignored. */
export const ZABBIX_CLIENT_GROUP_PREFIX = 'Customers/';

export interface StandInPorts {
  ninjaone?: number;
  zabbix?: number;
  connectwiseManage?: number;
}

export interface StandInSettings {
  ninjaone: Partial<NinjaOneSettings>;
  zabbix: Partial<ZabbixSettings>;
  'connectwise-manage': Partial<ConnectWiseManageSettings>;
}

export interface StandIns {
  ninjaone: NinjaOneStandIn;
  zabbix: ZabbixStandIn;
  connectwiseManage: ConnectWiseManageStandIn;
  urls: { ninjaone: string; zabbix: string; connectwiseManage: string };
  /** Plain settings per connector kind, for parseSettings / the connector-instances API. */
  settings: StandInSettings;
  /** PEM of the self-signed certificate the two HTTPS stand-ins present. */
  ca: string;
  /** The same PEM in a file: NODE_EXTRA_CA_CERTS for a Switchboard started as a child process. */
  caFile: string;
  /** For an axios instance of this process: `http.defaults.httpsAgent = standIns.httpsAgent`. */
  httpsAgent: Agent;
  stop(): Promise<void>;
}

function settingsFor(
  ninjaone: NinjaOneStandIn,
  zabbix: ZabbixStandIn,
  cw: ConnectWiseManageStandIn,
): StandInSettings {
  return {
    ninjaone: {
      region: 'us',
      baseUrl: ninjaone.url,
      clientId: ninjaone.app.clientId,
      clientSecret: ninjaone.app.clientSecret,
      scope: 'monitoring management',
      refreshToken: ninjaone.app.refreshToken,
      rollbackScriptId: ROLLBACK_SCRIPT_ID,
      rollbackParameters: '-KB {kb}',
      rollbackRunAs: 'system',
    },
    zabbix: {
      url: zabbix.url,
      apiToken: zabbix.apiToken,
      clientGroupPattern: `^${ZABBIX_CLIENT_GROUP_PREFIX}(?<client>.+)$`,
    },
    'connectwise-manage': {
      site: new URL(cw.url).host,
      codebase: 'v4_6_release/',
      companyId: cw.credentials.companyId,
      publicKey: cw.credentials.publicKey,
      privateKey: cw.credentials.privateKey,
      clientId: cw.credentials.clientId,
      apiVersion: '2025.1',
      boardId: MONITORING_BOARD,
      closedStatusName: '>Closed',
      noteType: 'internal',
      defaultCompanyIdentifier: 'MSPCATCH',
      priorityLowId: 12,
      priorityMediumId: 8,
      priorityHighId: 4,
      priorityCriticalId: 2,
    },
  };
}

/** Starts all three on 127.0.0.1 (ports 0 = random). Stops what started if one fails. */
export async function startStandIns(
  options: { ports?: StandInPorts; now?: () => Date } = {},
): Promise<StandIns> {
  const tls = selfSignedCertificate();
  const { ports = {}, now } = options;
  const started: { stop(): Promise<void> }[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-stand-ins-'));
  try {
    const caFile = join(dir, 'stand-ins-ca.pem');
    await writeFile(caFile, tls.cert);
    const ninjaone = await NinjaOneStandIn.start({ port: ports.ninjaone, tls, now });
    started.push(ninjaone);
    const zabbix = await ZabbixStandIn.start({ port: ports.zabbix, now });
    started.push(zabbix);
    const cw = await ConnectWiseManageStandIn.start({ port: ports.connectwiseManage, tls, now });
    started.push(cw);
    const httpsAgent = new Agent({ ca: tls.cert });
    return {
      ninjaone,
      zabbix,
      connectwiseManage: cw,
      urls: { ninjaone: ninjaone.url, zabbix: zabbix.url, connectwiseManage: cw.url },
      settings: settingsFor(ninjaone, zabbix, cw),
      ca: tls.cert,
      caFile,
      httpsAgent,
      stop: async () => {
        httpsAgent.destroy();
        await Promise.all(started.map((s) => s.stop()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
