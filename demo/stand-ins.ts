import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectWiseAutomateSettings } from '../connectors/connectwise-automate/connectwise-automate.settings';
import type { ConnectWiseManageSettings } from '../connectors/connectwise-manage/connectwise-manage.settings';
import type { NinjaOneSettings } from '../connectors/ninjaone/ninjaone.settings';
import type { SolarWindsSettings } from '../connectors/solarwinds/solarwinds.settings';
import type { ZabbixSettings } from '../connectors/zabbix/zabbix.settings';
import { ConnectWiseAutomateStandIn } from '../connectors/connectwise-automate/stand-in/connectwise-automate.stand-in';
import { REMOVE_PATCH_SCRIPT as AUTOMATE_REMOVE_PATCH_SCRIPT } from '../connectors/connectwise-automate/stand-in/connectwise-automate.state';
import { ConnectWiseManageStandIn } from '../connectors/connectwise-manage/stand-in/connectwise-manage.stand-in';
import { MONITORING_BOARD } from '../connectors/connectwise-manage/stand-in/connectwise-manage.state';
import { NinjaOneStandIn } from '../connectors/ninjaone/stand-in/ninjaone.stand-in';
import { selfSignedCertificate, trustInThisProcess } from '../connectors/shared/stand-in/tls';
import { SolarWindsStandIn } from '../connectors/solarwinds/stand-in/solarwinds.stand-in';
import { ZabbixStandIn } from '../connectors/zabbix/stand-in/zabbix.stand-in';

/**
 * Starts the five vendor stand-ins for `npm run demo` (two RMMs, two monitoring tools, one PSA)
 * and says how to point Switchboard's real connectors at them: the settings objects below go,
 * unchanged, into connector instances (they are typed against the connectors' settings
 * classes, so a renamed field fails to build).
 */

export {
  AUTOMATE_REMOVE_PATCH_SCRIPT,
  ConnectWiseAutomateStandIn,
  ConnectWiseManageStandIn,
  MONITORING_BOARD,
  NinjaOneStandIn,
  SolarWindsStandIn,
  ZabbixStandIn,
  trustInThisProcess,
};
export type {
  NewConfiguration,
  TicketSnapshot,
} from '../connectors/connectwise-manage/stand-in/connectwise-manage.state';
export type { NewDevice, ScriptRunRequest } from '../connectors/ninjaone/stand-in/ninjaone.state';
export type {
  NewComputer,
  ScheduledRun,
} from '../connectors/connectwise-automate/stand-in/connectwise-automate.state';
export type { NewHostOptions, ProblemOptions } from '../connectors/zabbix/stand-in/zabbix.state';

/** The NinjaOne library script the rollback runs (the stand-in records the request). */
export const ROLLBACK_SCRIPT_ID = 311;
/** Zabbix host groups named `Customers/<client>` are clients; stock groups are ignored. */
export const ZABBIX_CLIENT_GROUP_PREFIX = 'Customers/';

export interface StandInPorts {
  ninjaone?: number;
  connectwiseAutomate?: number;
  zabbix?: number;
  solarwinds?: number;
  connectwiseManage?: number;
}

/** Plain settings per connector kind (the kinds are the connectors' own, as in registry.ts). */
export interface StandInSettings {
  ninjaone: Partial<NinjaOneSettings>;
  'connectwise-automate': Partial<ConnectWiseAutomateSettings>;
  zabbix: Partial<ZabbixSettings>;
  solarwinds: Partial<SolarWindsSettings>;
  'connectwise-manage': Partial<ConnectWiseManageSettings>;
}

export interface StandIns {
  ninjaone: NinjaOneStandIn;
  connectwiseAutomate: ConnectWiseAutomateStandIn;
  zabbix: ZabbixStandIn;
  solarwinds: SolarWindsStandIn;
  connectwiseManage: ConnectWiseManageStandIn;
  urls: {
    ninjaone: string;
    connectwiseAutomate: string;
    zabbix: string;
    solarwinds: string;
    connectwiseManage: string;
  };
  /** Plain settings per connector kind, for parseSettings / the connector-instances API. */
  settings: StandInSettings;
  /** PEM of the self-signed certificate the four HTTPS stand-ins present. */
  ca: string;
  /** The same PEM in a file: NODE_EXTRA_CA_CERTS for a Switchboard started as a child process. */
  caFile: string;
  /** For an axios instance of this process: `http.defaults.httpsAgent = standIns.httpsAgent`. */
  httpsAgent: Agent;
  stop(): Promise<void>;
}

function settingsFor(
  ninjaone: NinjaOneStandIn,
  automate: ConnectWiseAutomateStandIn,
  zabbix: ZabbixStandIn,
  solarwinds: SolarWindsStandIn,
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
    'connectwise-automate': {
      server: automate.url,
      clientId: automate.credentials.clientId,
      username: automate.credentials.username,
      password: automate.credentials.password,
      rollbackScriptId: AUTOMATE_REMOVE_PATCH_SCRIPT.id,
      rollbackParameters: 'KB={kb}',
    },
    zabbix: {
      url: zabbix.url,
      apiToken: zabbix.apiToken,
      clientGroupPattern: `^${ZABBIX_CLIENT_GROUP_PREFIX}(?<client>.+)$`,
    },
    // Nodes carry the client in the custom property "Client" (the connector's default).
    solarwinds: {
      host: '127.0.0.1',
      port: solarwinds.port,
      username: solarwinds.username,
      password: solarwinds.password,
      // SWIS ships a self-signed certificate; the stand-in presents the demo's own.
      allowSelfSignedCertificate: true,
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

/** Starts all five on 127.0.0.1 (ports 0 = random). Stops what started if one fails. */
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
    const automate = await ConnectWiseAutomateStandIn.start({
      port: ports.connectwiseAutomate,
      tls,
      now,
    });
    started.push(automate);
    const zabbix = await ZabbixStandIn.start({ port: ports.zabbix, now });
    started.push(zabbix);
    const solarwinds = await SolarWindsStandIn.start({ port: ports.solarwinds, tls, now });
    started.push(solarwinds);
    const cw = await ConnectWiseManageStandIn.start({ port: ports.connectwiseManage, tls, now });
    started.push(cw);
    const httpsAgent = new Agent({ ca: tls.cert });
    return {
      ninjaone,
      connectwiseAutomate: automate,
      zabbix,
      solarwinds,
      connectwiseManage: cw,
      urls: {
        ninjaone: ninjaone.url,
        connectwiseAutomate: automate.url,
        zabbix: zabbix.url,
        solarwinds: solarwinds.url,
        connectwiseManage: cw.url,
      },
      settings: settingsFor(ninjaone, automate, zabbix, solarwinds, cw),
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
