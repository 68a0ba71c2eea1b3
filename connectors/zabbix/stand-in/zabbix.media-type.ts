import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import type { ZbxEvent, ZbxHost, ZbxTrigger } from './zabbix.state';

/**
 * What a Zabbix server does when an action sends a problem or recovery to a user whose media is
 * the shipped "Switchboard" webhook: expand the media type's parameters for the event and run
 * connectors/zabbix/media-type/switchboard.media.js with them. The script is the shipped file,
 * run unchanged; only its HttpRequest is ours.
 */

/** From connectors/zabbix/stand-in or its build in dist/: the shipped files are not built. */
function mediaDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'connectors', 'zabbix', 'media-type');
}

const MEDIA_DIR = mediaDir();

interface MediaTypeExport {
  zabbix_export: { media_types: { parameters: { name: string; value: string }[] }[] };
}

export interface MediaTarget {
  /** The user media "Send to": Switchboard's webhook URL for the zabbix instance. */
  sendTo: string;
  /** The instance webhook secret, set on the media type's `token` parameter. */
  token: string;
}

export interface MediaOutcome {
  eventid: string;
  status: number;
  /** The script's return value ('OK') or what it threw. */
  result: string;
}

/** Zabbix's {EVENT.DATE} / {EVENT.TIME}: server local time, as the script expects. */
function zabbixDate(clock: string): { date: string; time: string } {
  const d = new Date(Number(clock) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${d.getFullYear()}.${two(d.getMonth() + 1)}.${two(d.getDate())}`,
    time: `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`,
  };
}

const SEVERITY_NAMES = ['Not classified', 'Information', 'Warning', 'Average', 'High', 'Disaster'];

/** Macro values for one event; macros that do not apply stay literal, as Zabbix leaves them. */
function macros(
  event: ZbxEvent,
  problem: ZbxEvent,
  host: ZbxHost,
  trigger: ZbxTrigger,
): Record<string, string> {
  const recovery = event.value === '0';
  const when = zabbixDate(problem.clock);
  const recovered = recovery ? zabbixDate(event.clock) : undefined;
  const agent = host.interfaces.find((i) => i.main === '1') ?? host.interfaces[0];
  return {
    '{EVENT.SOURCE}': '0',
    '{EVENT.VALUE}': event.value,
    '{EVENT.UPDATE.STATUS}': '0',
    '{EVENT.ID}': problem.eventid,
    '{EVENT.RECOVERY.ID}': recovery ? event.eventid : '{EVENT.RECOVERY.ID}',
    '{EVENT.NAME}': problem.name,
    '{EVENT.STATUS}': recovery ? 'RESOLVED' : 'PROBLEM',
    '{EVENT.NSEVERITY}': problem.severity,
    '{EVENT.SEVERITY}': SEVERITY_NAMES[Number(problem.severity)] ?? 'Not classified',
    '{EVENT.DATE}': when.date,
    '{EVENT.TIME}': when.time,
    '{EVENT.RECOVERY.DATE}': recovered?.date ?? '{EVENT.RECOVERY.DATE}',
    '{EVENT.RECOVERY.TIME}': recovered?.time ?? '{EVENT.RECOVERY.TIME}',
    '{EVENT.UPDATE.DATE}': '{EVENT.UPDATE.DATE}',
    '{EVENT.UPDATE.TIME}': '{EVENT.UPDATE.TIME}',
    '{EVENT.TAGSJSON}': JSON.stringify(problem.tags),
    '{EVENT.OPDATA}': problem.opdata,
    '{EVENT.ACK.STATUS}': problem.acknowledged === '1' ? 'Yes' : 'No',
    '{EVENT.UPDATE.ACTION}': '{EVENT.UPDATE.ACTION}',
    '{EVENT.UPDATE.MESSAGE}': '{EVENT.UPDATE.MESSAGE}',
    '{USER.USERNAME}': '{USER.USERNAME}',
    '{HOST.ID}': host.hostid,
    '{HOST.HOST}': host.host,
    '{HOST.NAME}': host.name,
    '{HOST.IP}': agent?.ip ?? '',
    '{HOST.DNS}': agent?.dns ?? '',
    '{TRIGGER.ID}': trigger.triggerid,
    '{TRIGGER.STATUS}': recovery ? 'OK' : 'PROBLEM',
    '{ITEM.KEY1}': trigger.itemKey,
    '{ALERT.SUBJECT}': `${recovery ? 'Resolved' : 'Problem'}: ${problem.name}`,
    '{ALERT.MESSAGE}': `Host: ${host.name}\nProblem: ${problem.name}`,
    '{$ZABBIX.URL}': '{$ZABBIX.URL}',
  };
}

export class MediaType {
  private readonly script = readFileSync(join(MEDIA_DIR, 'switchboard.media.js'), 'utf8');
  private readonly parameters = (
    JSON.parse(
      readFileSync(join(MEDIA_DIR, 'switchboard.media-type.json'), 'utf8'),
    ) as MediaTypeExport
  ).zabbix_export.media_types[0].parameters;

  constructor(private readonly target: MediaTarget) {}

  /** The parameters as the server expands them: macros replaced, url and token set. */
  expand(event: ZbxEvent, problem: ZbxEvent, host: ZbxHost, trigger: ZbxTrigger) {
    const values = macros(event, problem, host, trigger);
    const out: Record<string, string> = {};
    for (const p of this.parameters) {
      if (p.name === 'url') out.url = this.target.sendTo;
      else if (p.name === 'token') out.token = this.target.token;
      else out[p.name] = p.value.replace(/\{[$A-Z][A-Z0-9.]*\}/g, (m) => values[m] ?? m);
    }
    return out;
  }

  /**
   * Runs the script. Zabbix's HttpRequest is synchronous and Node's is not, so the script's
   * request is captured, sent, and the script is run again with the real status: it then
   * returns 'OK' or throws exactly as it would on the server.
   */
  async send(params: Record<string, string>, eventid: string): Promise<MediaOutcome> {
    const first = this.run(params, 200);
    if (!first.request) return { eventid, status: 0, result: first.result };
    const { url, headers, body } = first.request;
    const response = await fetch(url, {
      method: 'POST',
      headers: Object.fromEntries(headers.map((h) => h.split(/:\s*/, 2) as [string, string])),
      body,
    });
    const text = await response.text();
    return {
      eventid,
      status: response.status,
      result: this.run(params, response.status, text).result,
    };
  }

  private run(params: Record<string, string>, status: number, response = '') {
    let request: { url: string; headers: string[]; body: string } | undefined;
    const headers: string[] = [];
    class HttpRequest {
      addHeader(header: string) {
        headers.push(header);
      }
      setProxy() {}
      post(url: string, body: string) {
        request = { url, headers, body };
        return response;
      }
      getStatus() {
        return status;
      }
    }
    const sandbox = { value: JSON.stringify(params), HttpRequest, Zabbix: { log: () => {} } };
    let result: string;
    try {
      result = String(runInNewContext(`(function (value) {\n${this.script}\n})(value)`, sandbox));
    } catch (err) {
      result = String(err);
    }
    return { request, result };
  }
}
