import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDemoArgs, USAGE } from './demo-args';
import { startStandIns, type StandIns, type TicketSnapshot } from './stand-ins';
import { startSwitchboard, type SwitchboardChild } from './switchboard-child';
import { CLIENT, HOST, KB, TwoAmStory, type IncidentView } from './two-am-story';

/**
 * `npm run demo [-- --rmm ninjaone|automate] [--monitoring zabbix|solarwinds]`: the 2 AM update
 * with the three real connectors (the chosen RMM, the chosen monitoring tool, ConnectWise
 * Manage) against local stand-ins, Switchboard in its own process on an embedded database in a
 * temporary directory. Prints what each tool received; leaves nothing behind.
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

async function play(story: TwoAmStory): Promise<void> {
  const { rmm, monitoring } = story;
  step(
    2,
    `Seed the tools: ${CLIENT} with ${HOST} in ${rmm.name}, ${monitoring.name} and ConnectWise`,
  );
  story.seedVendors();
  await story.configure();
  await story.pollAll();
  const device = await story.device();
  const kinds = Object.fromEntries(Object.entries(story.instances).map(([k, id]) => [id, k]));
  say(`    Three connector instances created with POST /api/v1/connectors, each polled once.`);
  say(`    ${device.displayName} (${device.client?.name ?? 'no client'}) is one device, known to:`);
  for (const link of device.links)
    say(`      ${kinds[link.instanceId]} as ${link.externalId} (matched by ${link.matchedBy})`);

  step(3, `02:00 ${rmm.name} installs ${KB}, reboots ${HOST}; MSSQLSERVER does not start`);
  say('    (install and reboot dated 30 and 27 minutes ago, so the 5-minute verification is due)');
  const opened = await story.patchNight();
  say(`    Monitoring is still green. Switchboard asked ${rmm.name} for the services and opened:`);
  printIncident(opened);

  step(4, `${monitoring.name} notices: ${monitoring.downStory}`);
  const { note, ticket } = await story.monitoringSeesIt();
  say(`    Note on ${monitoring.problemName(story.problemId)} (${monitoring.noteCall}):`);
  say(`      ${note}`);
  printTicket(ticket);

  step(5, '07:55 The practice manager calls the help desk');
  await story.userCalls();
  say(`    User ticket #${story.userTicket} is linked to the incident; both tickets got a note.`);

  step(6, `The technician clicks the rollback link on the alert`);
  const { run, rollback } = await story.rollback();
  say(`    ${KB} was the top-ranked suspect: the click confirmed it (rollback ${rollback.id}).`);
  say(`    ${run.described}`);

  step(7, 'Remove-Patch removes the KB with DISM; Switchboard verifies and resolves');
  const verified = await story.rollbackVerified();
  say(`    Rollback ${verified.rollback.state}:`);
  for (const s of verified.rollback.steps)
    say(`      ${s.at.slice(11, 19)}  ${s.state.padEnd(12)} ${s.note ?? s.by ?? ''}`);
  say(`    Patch: ${verified.rollback.verification?.patchEvidence ?? 'not checked'}.`);
  for (const svc of verified.rollback.verification?.services ?? [])
    say(`    Service ${svc.name}: ${svc.state}.`);
  say(`    Notes on ${monitoring.problemName(story.problemId)}:`);
  for (const n of verified.notes) say(`      - ${n}`);
  printTicket(verified.ticket, { description: false });
  say(`    Blocked for the client, so the next cycle does not bring it back:`);
  for (const b of verified.blocked) say(`      - ${b.patchId}: ${b.reason}`);

  step(8, `${monitoring.name} sees the server again; the incident stays resolved`);
  const recovered = await story.recovery();
  printIncident(recovered.incident);
  say();
  say('    Timeline:');
  for (const entry of recovered.incident.timeline)
    say(`      ${entry.at.slice(11, 19)}  ${entry.kind.padEnd(18)} ${entry.text.split('\n')[0]}`);
}

async function main(): Promise<void> {
  const args = parseDemoArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`${args.error}; ${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  say(`Switchboard demo: the 2 AM update (RMM ${args.rmm}, monitoring ${args.monitoring})`);
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
    standIns = await startStandIns();
    const story = new TwoAmStory(
      (method, path, body) => {
        if (!switchboard) throw new Error('demo: Switchboard is not running');
        return switchboard.api(method, path, body);
      },
      standIns,
      args,
    );
    const { rmm, monitoring } = story;
    step(1, `Start ${rmm.name}, ${monitoring.name} and ConnectWise stand-ins, and Switchboard`);
    const urls: Record<string, string> = {
      ninjaone: standIns.urls.ninjaone,
      'connectwise-automate': standIns.urls.connectwiseAutomate,
      zabbix: standIns.urls.zabbix,
      solarwinds: standIns.urls.solarwinds,
    };
    const width = Math.max(rmm.name.length, monitoring.name.length, 'Switchboard'.length) + 1;
    say(`    ${rmm.name.padEnd(width)}${urls[rmm.kind]}`);
    say(`    ${monitoring.name.padEnd(width)}${urls[monitoring.kind]}`);
    say(`    ${'ConnectWise'.padEnd(width)}${standIns.urls.connectwiseManage}`);
    switchboard = await startSwitchboard({
      dataDir,
      caFile: standIns.caFile,
      onSpawn: (stop) => (stopSwitchboard = stop),
    });
    say(`    ${'Switchboard'.padEnd(width)}${switchboard.url} (embedded database in ${dataDir})`);
    await play(story);
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
