import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandIns, type StandIns } from '../../demo/stand-ins';
import { startSwitchboard, type SwitchboardChild } from '../../demo/switchboard-child';
import { TwoAmStory } from '../../demo/two-am-story';

interface LogLine {
  level: number;
  msg: string;
  event?: string;
  incidentId?: string;
  instanceId?: string;
  kind?: string;
  cause?: string;
  deviceId?: string;
  clientId?: string;
  outcome?: string;
}

/**
 * What an operator's log shipper and Prometheus see while the 2 AM story plays against the
 * built service in its own process (the demo's stand-ins of NinjaOne, Zabbix and ConnectWise):
 * every stdout line is JSON, each business event is one info line naming the incident and the
 * tool, no credential appears, and the business metrics count what happened.
 */
describe('the log stream and the business metrics of the 2 AM story', () => {
  let standIns: StandIns;
  let switchboard: SwitchboardChild;
  let dataDir: string;

  beforeAll(async () => {
    standIns = await startStandIns();
    dataDir = await mkdtemp(join(tmpdir(), 'sb-logs-'));
    switchboard = await startSwitchboard({
      dataDir,
      caFile: standIns.caFile,
      env: { LOG_LEVEL: 'info' },
    });
  });
  afterAll(async () => {
    await switchboard?.stop();
    await standIns?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs each business event once as JSON, with no secret, and counts it', async () => {
    const story = new TwoAmStory(switchboard.api, standIns);
    story.seedVendors();
    await story.configure();
    await story.pollAll();
    const opened = await story.patchNight();
    await story.monitoringSeesIt();
    await story.rollback();
    await story.rollbackVerified();

    const metrics = await (await fetch(`${switchboard.url}/metrics`)).text();
    await switchboard.stop();
    const lines = switchboard.output().trim().split('\n');
    const entries = lines.map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
    const events = entries.filter((e) => e.event && e.incidentId === opened.id);
    const named = (event: string) => events.filter((e) => e.event === event);
    expect(named('incident.opened')).toEqual([
      expect.objectContaining({ level: 30, cause: 'post-patch-reboot' }),
    ]);
    expect(named('incident.resolved')).toHaveLength(1);
    expect(named('ticket.upserted')).toEqual([
      expect.objectContaining({
        kind: 'connectwise-manage',
        instanceId: expect.any(String),
        deviceId: expect.any(String),
        clientId: opened.clientId,
        outcome: 'delivered',
      }),
    ]);
    expect(named('alert.noted').length).toBeGreaterThanOrEqual(1);
    expect(named('alert.noted').every((e) => e.kind === 'zabbix')).toBe(true);
    expect(named('ticket.noted').length).toBeGreaterThanOrEqual(1);
    expect(named('ticket.closed')).toHaveLength(1);
    expect(named('rollback.started')).toEqual([expect.objectContaining({ kind: 'ninjaone' })]);
    expect(named('rollback.requested')).toHaveLength(1);

    const output = switchboard.output();
    const { ninjaone, zabbix } = standIns.settings;
    const connectwiseManage = standIns.settings['connectwise-manage'];
    for (const secret of [
      ninjaone.clientSecret,
      zabbix.apiToken,
      connectwiseManage.privateKey,
    ].filter((s): s is string => typeof s === 'string' && s.length > 0))
      expect(output).not.toContain(secret);

    expect(metrics).toContain(
      'switchboard_incidents_total{event="opened",cause="post-patch-reboot"} 1',
    );
    expect(metrics).toContain(
      'switchboard_incidents_total{event="resolved",cause="post-patch-reboot"} 1',
    );
    expect(metrics).toContain(
      'switchboard_actions_delivered_total{action="upsertTicket",kind="connectwise-manage"} 1',
    );
    expect(metrics).toContain(
      'switchboard_actions_delivered_total{action="runRollback",kind="ninjaone"} 1',
    );
    expect(metrics).toMatch(
      /switchboard_outbox_delivery_seconds_count\{action="upsertTicket"\} 1\n/,
    );
    expect(metrics).toMatch(
      /switchboard_correlation_decision_seconds_count\{type="health"\} [1-9]/,
    );
  });
});
