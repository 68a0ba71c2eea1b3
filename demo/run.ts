import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandIns, type StandIns, type TicketSnapshot } from './stand-ins';
import { startSwitchboard, type SwitchboardChild } from './switchboard-child';
import { CLIENT, HOST, KB, TwoAmStory, type IncidentView } from './two-am-story';

/**
 * `npm run demo`: the 2 AM update with the three real connectors against local stand-ins of
 * NinjaOne, Zabbix and ConnectWise Manage, Switchboard in its own process on an embedded
 * database in a temporary directory. Prints what each tool received; leaves nothing behind.
 */

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (text = '') => process.stdout.write(`${text}\n`);
// Output piped into `head` must not stop the clean-up below.
process.stdout.on('error', () => {});
const indent = (text: string, by = '      ') =>
  text
    .split('\n')
    .map((l) => by + l)
    .join('\n');

function step(n: number, title: string): void {
  say();
  say(`[${n}] ${title}  (${elapsed()})`);
}

function printIncident(incident: IncidentView): void {
  say(`    Incident ${incident.id}`);
  say(`      ${incident.title}`);
  say(`      state: ${incident.state}   cause: ${incident.cause}`);
  say(`      failed services: ${incident.details.failed.join(', ') || 'none'}`);
  for (const s of incident.suspects)
    say(`      suspect ${s.patchId ?? s.kind}: ${s.reasons.join('; ')}`);
}

function printTicket(ticket: TicketSnapshot, options = { description: true }): void {
  say(
    `    ConnectWise ticket #${ticket.id} on board "${ticket.board.name}", company ${ticket.company.name}, status ${ticket.status.name}`,
  );
  say(`      summary: ${ticket.summary}`);
  for (const note of ticket.notes) {
    if (note.detailDescriptionFlag && !options.description) continue;
    const kind = note.detailDescriptionFlag
      ? 'description'
      : note.internalAnalysisFlag
        ? 'internal note'
        : 'note';
    say(`      ${kind}:`);
    say(indent(note.text.trim(), '        | '));
  }
}

async function play(standIns: StandIns, switchboard: SwitchboardChild): Promise<void> {
  const story = new TwoAmStory(switchboard.api, standIns);

  step(2, `Seed the tools: ${CLIENT} with ${HOST} in NinjaOne, Zabbix and ConnectWise`);
  story.seedVendors();
  await story.configure();
  await story.pollAll();
  const device = await story.device();
  const kinds = Object.fromEntries(Object.entries(story.instances).map(([k, id]) => [id, k]));
  say(`    Three connector instances created with POST /api/v1/connectors, each polled once.`);
  say(`    ${device.displayName} (${device.client?.name ?? 'no client'}) is one device, known to:`);
  for (const link of device.links)
    say(`      ${kinds[link.instanceId]} as ${link.externalId} (matched by ${link.matchedBy})`);

  step(3, `02:00 NinjaOne installs ${KB}, reboots ${HOST}; MSSQLSERVER does not start`);
  say('    (install and reboot dated 30 and 27 minutes ago, so the 5-minute verification is due)');
  const opened = await story.patchNight();
  say('    Monitoring is still green. Switchboard asked NinjaOne for the services and opened:');
  printIncident(opened);

  step(4, `Zabbix notices: "${HOST} is unavailable by ICMP", sent by the Switchboard media type`);
  const { note, ticket } = await story.monitoringSeesIt();
  say(`    Note on Zabbix problem ${story.problemId} (event.acknowledge):`);
  say(`      ${note}`);
  printTicket(ticket);

  step(5, '07:55 The practice manager calls the help desk');
  await story.userCalls();
  say(`    User ticket #${story.userTicket} is linked to the incident; both tickets got a note.`);

  step(6, `The technician clicks the rollback link on the alert`);
  const { run, rollback } = await story.rollback();
  say(`    ${KB} was the top-ranked suspect: the click confirmed it (rollback ${rollback.id}).`);
  say(
    `    NinjaOne runs library script ${run.body.id} (Remove-Patch) on device ${run.deviceId} with "${run.body.parameters}" (run as ${run.body.runAs}).`,
  );

  step(7, 'Remove-Patch removes the KB with DISM; Switchboard verifies and resolves');
  const verified = await story.rollbackVerified();
  say(`    Rollback ${verified.rollback.state}:`);
  for (const s of verified.rollback.steps)
    say(`      ${s.at.slice(11, 19)}  ${s.state.padEnd(12)} ${s.note ?? s.by ?? ''}`);
  say(`    Patch: ${verified.rollback.verification?.patchEvidence ?? 'not checked'}.`);
  for (const svc of verified.rollback.verification?.services ?? [])
    say(`    Service ${svc.name}: ${svc.state}.`);
  say(`    Notes on Zabbix problem ${story.problemId}:`);
  for (const n of verified.notes) say(`      - ${n}`);
  printTicket(verified.ticket, { description: false });
  say(`    Blocked for the client, so the next cycle does not bring it back:`);
  for (const b of verified.blocked) say(`      - ${b.patchId}: ${b.reason}`);

  step(8, 'Zabbix sees the server again; the incident stays resolved');
  const recovered = await story.recovery();
  printIncident(recovered.incident);
  say();
  say('    Timeline:');
  for (const entry of recovered.incident.timeline)
    say(`      ${entry.at.slice(11, 19)}  ${entry.kind.padEnd(18)} ${entry.text.split('\n')[0]}`);
}

async function main(): Promise<void> {
  say('Switchboard demo: the 2 AM update');
  let standIns: StandIns | undefined;
  let switchboard: SwitchboardChild | undefined;
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-demo-'));
  let stopSwitchboard: (() => Promise<void>) | undefined;
  let failed = false;
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      await stopSwitchboard?.();
      await standIns?.stop();
      await rm(dataDir, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      say(`\n${signal}: stopping Switchboard and the stand-ins, removing the data`);
      void cleanUp().finally(() => process.exit(130));
    });
  try {
    step(1, 'Start NinjaOne, Zabbix and ConnectWise stand-ins, and Switchboard');
    standIns = await startStandIns();
    say(`    NinjaOne   ${standIns.urls.ninjaone}`);
    say(`    Zabbix     ${standIns.urls.zabbix}`);
    say(`    ConnectWise ${standIns.urls.connectwiseManage}`);
    switchboard = await startSwitchboard({
      dataDir,
      caFile: standIns.caFile,
      onSpawn: (stop) => (stopSwitchboard = stop),
    });
    say(`    Switchboard ${switchboard.url} (embedded database in ${dataDir})`);
    await play(standIns, switchboard);
  } catch (err) {
    failed = true;
    say();
    say(`Demo failed: ${err instanceof Error ? err.message : String(err)}`);
    if (switchboard) say(indent(switchboard.output().slice(-4000), '  '));
  } finally {
    await cleanUp();
  }
  say();
  say(
    `${failed ? 'Failed' : 'Done'} in ${elapsed()}; Switchboard and the stand-ins are stopped, the data removed.`,
  );
  process.exitCode = failed ? 1 : 0;
}

void main();
