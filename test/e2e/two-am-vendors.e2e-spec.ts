import type { MonitoringChoice } from '../../demo/monitoring-side';
import type { RmmChoice } from '../../demo/rmm-side';
import { startStandIns, trustInThisProcess, type StandIns } from '../../demo/stand-ins';
import { CLIENT, HOST, KB, PSA_COMPANY, TwoAmStory, USER_TICKET } from '../../demo/two-am-story';
import { ConnectorHost } from '../../src/connector-instances/connector-host.service';
import { ConnectorInstance } from '../../src/connector-instances/entities/connector-instance.entity';
import { startTestApp, type TestApp } from '../support/app';

const ALERT =
  "Server-01 is Offline. Trigger: Post-Patch Reboot (KB5034441). Verification: Service 'MSSQLSERVER' failed to start.";

/**
 * The 2 AM update with three real connectors in place of the generic one, against the demo's
 * stand-ins of those APIs over real HTTP(S), for each RMM (NinjaOne, ConnectWise Automate) with
 * each monitoring tool (Zabbix through its shipped media-type script, SolarWinds Orion through
 * the alert action of its README), ConnectWise Manage as the PSA. The RMM and the PSA are
 * polled, monitoring pushes. The steps are the ones `npm run demo -- --rmm … --monitoring …`
 * plays.
 */
/** A named step of a story: a failure says which step broke. */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    (err as Error).message = `step "${name}": ${(err as Error).message}`;
    throw err;
  }
}

/** What the removal script request looks like in each RMM (the KB digits in its parameters). */
const RMMS: Record<RmmChoice, { title: string; scriptId: number; parameters: string }> = {
  ninjaone: { title: 'NinjaOne', scriptId: 311, parameters: '-KB 5034441' },
  automate: { title: 'ConnectWise Automate', scriptId: 6412, parameters: 'KB=5034441' },
};
const MONITORING: Record<MonitoringChoice, string> = {
  zabbix: 'Zabbix',
  solarwinds: 'SolarWinds',
};

const COMBINATIONS = (['ninjaone', 'automate'] as const).flatMap((rmm) =>
  (['zabbix', 'solarwinds'] as const).map((monitoring) => ({
    rmm,
    monitoring,
    title: `${RMMS[rmm].title}, ${MONITORING[monitoring]} and ConnectWise Manage`,
  })),
);

describe.each(COMBINATIONS)('the 2 AM update with $title', ({ rmm, monitoring }) => {
  let t: TestApp;
  let standIns: StandIns;
  let untrust: () => void;
  let story: TwoAmStory;

  beforeAll(async () => {
    standIns = await startStandIns();
    untrust = trustInThisProcess(standIns.ca);
    t = await startTestApp({ env: { ROLLBACK_POLL_SECONDS: '1' } });
    story = new TwoAmStory((method, path, body) => t.api(method, path, body), standIns, {
      rmm,
      monitoring,
    });
    story.seedVendors();
    await story.configure({ webhookBase: t.baseUrl });
    await story.pollAll();
  });
  afterAll(async () => {
    await t?.close();
    untrust?.();
    await standIns?.stop();
  });

  it('plays the 2 AM story with the three real connectors, from patch night to recurrence', async () => {
    const rmmKind = story.rmm.kind;
    const monitoringInstance = story.instances[story.monitoring.kind];
    // One story, in order: each step starts from where the one before left it.
    await step(
      'matches the server across the three tools into one device under the client',
      async () => {
        const device = await story.device();
        // The PSA spells the customer "Acme Dental, Inc.": one client all the same.
        expect([CLIENT, PSA_COMPANY]).toContain(device.client?.name);
        expect(device.links.map((l) => l.instanceId).sort()).toEqual(
          Object.values(story.instances).sort(),
        );
        // SolarWinds declares `services` too, and the device's most recently seen tool used to
        // get the post-patch check: make the monitoring tool the most recently seen one, so the
        // next step proves the RMM is asked whichever tool polled last.
        await t.db.dataSource.query(
          `UPDATE device_link SET last_seen_at = now() + interval '1 minute' WHERE instance_id = $1`,
          [monitoringInstance],
        );
      },
    );
    await step(
      `opens the incident from ${rmmKind} service verification while monitoring is green`,
      async () => {
        const incident = await story.patchNight();
        expect(incident).toMatchObject({
          state: 'open',
          cause: 'post-patch-reboot',
          details: { failed: ['MSSQLSERVER'], deviceDown: false },
        });
        expect(incident.suspects.map((s) => s.patchId ?? s.kind)).toEqual([KB, 'reboot']);
      },
    );
    await step(
      `writes the exact alert text on the ${monitoring} problem and opens one ConnectWise ticket`,
      async () => {
        const { note, ticket } = await story.monitoringSeesIt();
        // The promised sentence, then the page where a person rolls the patch back, then the
        // delivery marker a retry looks for.
        const rollbackPage =
          /^ Rollback: https?:\/\/[^ ]+\/console\/incidents\/[0-9a-f-]{36}\/rollback\n\[SB-[0-9A-F]{12}\]$/;
        expect(note.startsWith(ALERT)).toBe(true);
        expect(note.slice(ALERT.length)).toMatch(rollbackPage);
        expect(story.monitoring.notes(story.problemId)).toEqual([note]);
        const tickets = story.monitoringTickets();
        expect(tickets).toHaveLength(1);
        // Under the PSA's own company for this customer, not the catch-all default company.
        expect(ticket.company).toMatchObject({ identifier: 'ACMEDENTAL', name: PSA_COMPANY });
        expect(ticket.configurationIds).toHaveLength(1);
        expect(ticket.summary).toContain(HOST);
        const description = ticket.notes.find((n) => n.detailDescriptionFlag)!.text;
        expect(description).toContain(KB);
        // The verification names the tool that made it, by its instance name: the RMM.
        expect(description).toMatch(
          new RegExp(`- MSSQLSERVER: failed at .* \\(${CLIENT} ${rmmKind}\\)`),
        );
        expect(description).toMatch(/\/console\/incidents\/[0-9a-f-]+\/rollback/);
        const incident = (await story.incident('open'))!;
        expect(incident.details.deviceDown).toBe(true);
        expect(incident.tickets).toEqual([
          expect.objectContaining({ relation: 'incident-ticket', externalId: String(ticket.id) }),
        ]);
      },
    );
    await step('links the user ticket the practice opened and notes both tickets', async () => {
      const incident = await story.userCalls();
      expect(incident.tickets.map((x) => x.relation).sort()).toEqual([
        'incident-ticket',
        'user-ticket',
      ]);
      const user = standIns.connectwiseManage.tickets().find((x) => x.id === story.userTicket)!;
      expect(user.summary).toBe(USER_TICKET);
      expect(
        user.notes.some((n) => /Incident: \S+\/console\/incidents\/[0-9a-f-]{36}$/m.test(n.text)),
      ).toBe(true);
      const [ours] = story.monitoringTickets();
      expect(ours.notes.some((n) => n.text.includes(String(story.userTicket)))).toBe(true);
    });
    await step(`rolls back the top-ranked KB through ${rmmKind} with one click`, async () => {
      // NinjaOne rotates refresh tokens: the instance must keep the one it hands out.
      const ninja = standIns.ninjaone.app;
      if (rmm === 'ninjaone') ninja.rotateRefreshTokens = true;
      const first = ninja.refreshToken;
      const { run, incident, rollback } = await story.rollback();
      expect(run).toMatchObject({
        deviceId: story.rmm.deviceId,
        scriptId: RMMS[rmm].scriptId,
        parameters: RMMS[rmm].parameters,
      });
      expect(rollback.state).toBe('running');
      expect(incident.state).toBe('mitigating');
      expect(incident.suspects.find((s) => s.patchId === KB)?.status).toBe('confirmed');
      // Through the chosen RMM only.
      const other = rmm === 'ninjaone' ? standIns.connectwiseAutomate : standIns.ninjaone;
      expect(other.scriptRuns()).toEqual([]);
      if (rmm === 'ninjaone') {
        // NinjaOne killed the first refresh token; the instance now holds the one it handed out.
        const current = ninja.refreshToken;
        expect(current).not.toBe(first);
        const host = t.app.get(ConnectorHost);
        const row = await t.db.dataSource
          .getRepository(ConnectorInstance)
          .findOneByOrFail({ id: story.instances.ninjaone });
        expect(host.secrets(row)).toMatchObject({ refreshToken: current });
      } else {
        // Automate runs it through a one-off schedule on the computer, run now.
        expect(standIns.connectwiseAutomate.scriptRuns()).toEqual([
          expect.objectContaining({
            computerId: story.rmm.deviceId,
            body: expect.objectContaining({ ScriptId: 6412, ComputerId: story.rmm.deviceId }),
          }),
        ]);
      }
    });
    await step(
      `verifies the rollback through ${rmmKind}, resolves, notes ${monitoring}, closes the one ticket`,
      async () => {
        const { rollback, incident, ticket, notes, blocked } = await story.rollbackVerified();
        expect(rollback.steps.map((s) => s.state)).toEqual([
          'requested',
          'running',
          'verifying',
          'succeeded',
        ]);
        expect(rollback.verification).toMatchObject({
          patchEvidence: expect.stringContaining(`Remove-Patch removed`),
          services: [{ name: 'MSSQLSERVER', state: 'running' }],
        });
        expect(incident.state).toBe('resolved');
        expect(notes).toHaveLength(2);
        expect(notes[1]).toContain(`rolled back ${KB} on ${HOST}; MSSQLSERVER running`);
        expect(ticket.status.name).toBe('>Closed');
        expect(ticket.notes.at(-1)!.text).toContain(
          `Resolved: Rolled back ${KB} on ${HOST}; MSSQLSERVER running.`,
        );
        expect(blocked).toEqual([expect.objectContaining({ patchId: KB })]);
        expect(story.monitoringTickets()).toHaveLength(1);
        expect(standIns.connectwiseManage.tickets()).toHaveLength(2);
      },
    );
    await step(`stays resolved when ${monitoring} sees the server again`, async () => {
      const { incident, notes } = await story.recovery();
      expect(incident.state).toBe('resolved');
      expect(notes).toHaveLength(2);
      expect(story.monitoringTickets()).toHaveLength(1);
      // The tool pushed the problem and its recovery (Zabbix: the media type's two runs;
      // Orion: the alert's trigger and reset actions), both accepted.
      const pushes = await story.monitoring.pushes();
      expect(pushes.map((p) => [p.what, p.status, p.ok])).toEqual([
        ['problem', 202, true],
        ['recovery', 202, true],
      ]);
    });
    await step(
      'reopens the same incident and the same ConnectWise ticket when SQL Server stops again',
      async () => {
        // Zabbix raises a new problem (the service trigger); Orion triggers its "Windows
        // service down" alert on the SAM component, a new alert object named as SAM names the
        // monitor ("SQL Server (MSSQLSERVER)"). Either way the recurrence is the device's, and
        // the new problem carries only the reopening note.
        const { incident, ticket } = await story.recurrence();
        expect(incident.state).toBe('open');
        expect(story.monitoringTickets()).toHaveLength(1);
        expect(ticket.status.name).toBe('New');
        expect(story.monitoring.notes(story.problemId)).toHaveLength(1);
      },
    );
  }, 120_000);
});
