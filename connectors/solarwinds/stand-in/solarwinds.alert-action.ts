import axios from 'axios';
import type { AlertEvent, SolarWindsState } from './solarwinds.state';
import { runSwql } from './solarwinds.swql';

/**
 * The alert action "Send a GET or POST request to a web server", as connectors/solarwinds/
 * README.md tells the Orion admin to configure it: the same body template, its `${N=…}`
 * variables substituted as plain text (as Orion does: no JSON escaping), POSTed to the URL.
 */

/** The body of the README (trigger action; the reset action says RESET). */
export function alertActionTemplate(event: 'TRIGGER' | 'RESET'): string {
  const objectId = '${N=Alerting;M=AlertObjectID}';
  const swql = (column: string) =>
    `\${N=SWQL;M=SELECT TOP 1 ao.${column} FROM Orion.AlertObjects ao WHERE ao.AlertObjectID = ${objectId}}`;
  return [
    '{',
    `  "event_type": "${event}",`,
    '  "alert_id": "${N=Alerting;M=AlertID}",',
    '  "alert_name": "${N=Alerting;M=AlertName}",',
    `  "alert_object_id": "${objectId}",`,
    '  "alert_active_id": "${N=Alerting;M=AlertActiveID}",',
    '  "severity": "${N=Alerting;M=Severity}",',
    '  "object_type": "${N=Alerting;M=ObjectType}",',
    `  "entity_type": "${swql('EntityType')}",`,
    '  "message": "${N=Alerting;M=AlertMessage}",',
    '  "details_url": "${N=Alerting;M=AlertDetailsURL}",',
    '  "acknowledge_url": "${N=Alerting;M=AcknowledgeUrl}",',
    '  "entity_caption": "${N=SwisEntity;M=Caption}",',
    '  "entity_status": "${N=SwisEntity;M=StatusDescription}",',
    `  "node_caption": "${swql('RelatedNodeCaption')}",`,
    `  "node_id": "${swql('RelatedNodeId')}",`,
    '  "triggered_at": "${N=Alerting;M=AlertTriggerTime;F=DateTime}"',
    '}',
  ].join('\n');
}

export interface AlertActionTarget {
  /** The instance's webhook URL, with `?token=<secret>` when no header is used. */
  url: string;
  /** Extra headers (X-Switchboard-Token), where the Orion version offers custom headers. */
  headers?: Record<string, string>;
}

export interface AlertActionOutcome {
  event: 'TRIGGER' | 'RESET';
  alertActiveId: number;
  status: number;
}

const ORIGIN = 'https://orion-standin.local';

/** "11/24/2026 6:05 AM": how the DateTime format is believed to render (UNCONFIRMED). */
function usDateTime(iso: string): string {
  const at = new Date(iso.replace(/\.(\d{3})\d*Z$/, '.$1Z'));
  const h = at.getUTCHours();
  const minutes = String(at.getUTCMinutes()).padStart(2, '0');
  const hour = h % 12 === 0 ? 12 : h % 12;
  return `${at.getUTCMonth() + 1}/${at.getUTCDate()}/${at.getUTCFullYear()} ${hour}:${minutes} ${h < 12 ? 'AM' : 'PM'}`;
}

function alerting(e: AlertEvent, member: string, state: SolarWindsState): string | undefined {
  const config = state
    .table('Orion.AlertConfigurations')
    ?.find((c) => c.AlertID === e.object.AlertID);
  const values: Record<string, unknown> = {
    AlertID: e.object.AlertID,
    AlertName: config?.Name,
    AlertObjectID: e.object.AlertObjectID,
    AlertActiveID: e.active.AlertActiveID,
    Severity: 'Critical',
    ObjectType: config?.ObjectType,
    AlertMessage: e.active.TriggeredMessage,
    AlertDetailsURL: `${ORIGIN}/Orion/View.aspx?NetObject=AAT:${e.object.AlertObjectID}`,
    AcknowledgeUrl: `${ORIGIN}/Orion/Netperfmon/AckAlert.aspx?ObjID=${e.object.AlertObjectID}`,
    AlertTriggerTime: usDateTime(e.active.TriggeredDateTime),
  };
  return values[member] === undefined ? undefined : String(values[member]);
}

/** Substitutes innermost variables first, so a SWQL variable sees its ids already filled in. */
export function expandVariables(template: string, e: AlertEvent, state: SolarWindsState): string {
  const variable = /\$\{N=([A-Za-z]+);M=([^${}]*?)(?:;F=[^${}]*)?\}/;
  let out = template;
  for (let guard = 0; guard < 100; guard++) {
    const m = variable.exec(out);
    if (!m) break;
    const [whole, namespace, member] = m;
    let value: string | undefined;
    if (namespace === 'Alerting') value = alerting(e, member, state);
    if (namespace === 'SwisEntity' && member === 'Caption') value = e.object.EntityCaption;
    if (namespace === 'SwisEntity' && member === 'StatusDescription')
      value = e.event === 'TRIGGER' ? 'Down' : 'Up';
    if (namespace === 'SWQL') {
      const [row] = runSwql(member, {}, (entity) => state.table(entity));
      value = row ? String(Object.values(row)[0] ?? '') : '';
    }
    // Orion leaves an unknown variable as it is; mark it so the loop moves on.
    out = out.replace(whole, value ?? whole.replace('${', '$\u0000{'));
  }
  return out.split('$\u0000{').join('${');
}

/** Posts each trigger and reset; the outcomes are kept for the demo to await. */
export class AlertAction {
  private readonly sent: Promise<AlertActionOutcome>[] = [];

  constructor(
    private readonly state: SolarWindsState,
    private readonly target: AlertActionTarget,
  ) {
    state.onAlert((e) => this.sent.push(this.send(e)));
  }

  outcomes(): Promise<AlertActionOutcome[]> {
    return Promise.all(this.sent);
  }

  private async send(e: AlertEvent): Promise<AlertActionOutcome> {
    const body = expandVariables(alertActionTemplate(e.event), e, this.state);
    const outcome = { event: e.event, alertActiveId: e.active.AlertActiveID };
    try {
      const answer = await axios.post(this.target.url, body, {
        headers: { 'Content-Type': 'application/json', ...this.target.headers },
        transformRequest: (data: string) => data,
        validateStatus: () => true,
      });
      return { ...outcome, status: answer.status };
    } catch {
      // Unreachable receiver: Orion logs the action as failed; so do we (status 0).
      return { ...outcome, status: 0 };
    }
  }
}
