import axios from 'axios';
import { Agent } from 'node:https';
import type { Connector, Page, RawRecord } from '../../contract/connector';
import { parseSettings } from '../../contract/settings';
import { createHttp } from '../../shared/http';
import { selfSignedCertificate } from '../../shared/stand-in/tls';
import { connectwiseAutomateConnector } from '../index';
import { ConnectWiseAutomateStandIn } from './connectwise-automate.stand-in';
import { REMOVE_PATCH_SCRIPT, removePatchOutput } from './connectwise-automate.state';

/**
 * The real connector against the stand-in over HTTPS: the 2 AM story's Automate side (install,
 * reboot, a stopped service), the rollback round trip through ScheduledScripts and
 * ScriptHistory, and the stand-in's own strictness.
 */

const KB = 'KB5034441';
const TITLE = '2024-01 Security Update for Windows Server 2022 (KB5034441)';

let standIn: ConnectWiseAutomateStandIn;
let agent: Agent;
let clientId: number;

beforeAll(async () => {
  const tls = selfSignedCertificate();
  standIn = await ConnectWiseAutomateStandIn.start({ tls });
  agent = new Agent({ ca: tls.cert });
  clientId = standIn.addClient('Contoso Dental');
});

afterAll(async () => {
  agent.destroy();
  await standIn.stop();
});

function connect(overrides: Record<string, unknown> = {}): Connector {
  const http = createHttp();
  http.defaults.httpsAgent = agent;
  const settings = parseSettings(connectwiseAutomateConnector.settings, {
    server: standIn.url,
    clientId: standIn.credentials.clientId,
    username: standIn.credentials.username,
    password: standIn.credentials.password,
    rollbackScriptId: REMOVE_PATCH_SCRIPT.id,
    pageSize: 2,
    ...overrides,
  });
  return connectwiseAutomateConnector.create({
    instanceId: 'stand-in-spec',
    settings,
    http,
    clock: () => new Date(),
  });
}

async function walk(pull: (cursor: string | null) => Promise<Page>): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 200; i++) {
    const page = await pull(cursor);
    records.push(...page.records);
    cursor = page.cursor ?? cursor;
    if (!page.more) return records;
  }
  throw new Error('the pull never stopped');
}

function seedServer(name: string, online = true): number {
  const id = standIn.addComputer({ clientId, name, ip: '10.0.4.5', serial: 'SN-1', online });
  standIn.addMissingUpdate(id, 'KB5034439', 'Pending .NET update', 'NotSet');
  standIn.installPatch(id, KB, TITLE);
  standIn.reboot(id);
  standIn.setServiceState(id, 'MSSQLSERVER', 'stopped');
  return id;
}

it('serves the 2 AM story: install, reboot, stopped service, then a rollback that removes the KB', async () => {
  const id = seedServer('SERVER-01');
  const cwa = connect();
  const device = { id: String(id) };

  const inventory = await walk((c) => cwa.pullDevices!(c));
  const events = inventory.flatMap((r) => cwa.normalize(r));
  expect(events).toContainEqual(
    expect.objectContaining({
      type: 'client',
      client: { externalId: String(clientId), name: 'Contoso Dental' },
    }),
  );
  expect(events).toContainEqual(
    expect.objectContaining({
      type: 'device',
      online: true,
      device: expect.objectContaining({ externalId: String(id), hostname: 'SERVER-01' }),
    }),
  );
  expect(events).toContainEqual(
    expect.objectContaining({ type: 'reboot', device: { externalId: String(id) } }),
  );

  const patches = (await walk((c) => cwa.pullPatches!(c))).flatMap((r) => cwa.normalize(r));
  expect(patches).toContainEqual(
    expect.objectContaining({
      patchId: KB,
      status: 'installed',
      device: { externalId: String(id) },
    }),
  );
  expect(patches).toContainEqual(
    expect.objectContaining({ patchId: 'KB5034439', status: 'pending' }),
  );

  expect(await cwa.getServices!(device)).toContainEqual({
    name: 'MSSQLSERVER',
    displayName: 'SQL Server (MSSQLSERVER)',
    state: 'stopped',
    startType: 'auto',
  });

  const job = await cwa.runRollback!(device, KB);
  expect(standIn.scriptRuns().filter((r) => r.computerId === id)).toEqual([
    expect.objectContaining({
      body: expect.objectContaining({ ScriptId: REMOVE_PATCH_SCRIPT.id, Parameters: 'KB=5034441' }),
    }),
  ]);
  expect(await cwa.rollbackResult!(device, job.jobId)).toEqual({
    state: 'running',
    detail: 'running on the computer',
  });

  standIn.finishScriptRun(id, { state: 'Success', output: removePatchOutput(KB, 'removed') });
  expect(await cwa.rollbackResult!(device, job.jobId)).toMatchObject({
    state: 'succeeded',
    exitCode: 3010,
    detail: 'Remove-Patch removed KB5034441 (exit 3010); a reboot is needed to finish the removal',
  });
  const after = (await walk((c) => cwa.pullPatches!(c))).flatMap((r) => cwa.normalize(r));
  expect(after).toContainEqual(expect.objectContaining({ patchId: KB, status: 'rolled_back' }));
});

it('reports a refused removal as failed', async () => {
  const id = seedServer('SERVER-02');
  const cwa = connect();
  const job = await cwa.runRollback!({ id: String(id) }, KB);
  standIn.finishScriptRun(id, { state: 'Failure', output: removePatchOutput(KB, 'refused') });
  expect(await cwa.rollbackResult!({ id: String(id) }, job.jobId)).toMatchObject({
    state: 'failed',
    exitCode: 20,
  });
});

it('says an offline computer runs the script when it checks in, then follows it', async () => {
  const id = seedServer('LAPTOP-07', false);
  const cwa = connect();
  const device = { id: String(id) };
  const job = await cwa.runRollback!(device, KB);
  expect(await cwa.rollbackResult!(device, job.jobId)).toEqual({
    state: 'running',
    detail: 'computer is offline; Automate runs the script when its agent checks in',
  });
  standIn.setOnline(id, true);
  expect(await cwa.rollbackResult!(device, job.jobId)).toEqual({
    state: 'running',
    detail: 'running on the computer',
  });
});

it('logs in again after the server forgets its tokens, and reports every capability ok', async () => {
  seedServer('SERVER-03');
  const cwa = connect();
  await cwa.pullDevices!(null);
  standIn.revokeTokens();
  await expect(cwa.pullDevices!(null)).resolves.toMatchObject({ more: true });
  expect(await cwa.check()).toEqual({
    devices: { status: 'ok' },
    patches: { status: 'ok' },
    services: { status: 'ok' },
    rollback: { status: 'ok' },
  });
});

it('refuses a missing ClientId, wrong credentials and query options it does not implement', async () => {
  const http = axios.create({
    baseURL: standIn.url,
    httpsAgent: agent,
    validateStatus: () => true,
  });
  const headers = { ClientId: standIn.credentials.clientId };
  expect((await http.post('/cwa/api/v1/apitoken', { UserName: 'x', Password: 'y' })).status).toBe(
    403,
  );
  expect(
    (await http.post('/cwa/api/v1/apitoken', { UserName: 'x', Password: 'y' }, { headers })).status,
  ).toBe(401);
  const login = await http.post(
    '/cwa/api/v1/apitoken',
    { username: standIn.credentials.username, password: standIn.credentials.password },
    { headers },
  );
  expect(login.data).toMatchObject({ TokenType: 'Bearer', IsTwoFactorRequired: false });
  const auth = { ...headers, Authorization: `Bearer ${login.data.AccessToken}` };
  const odd = await http.get('/cwa/api/v1/Computers', {
    headers: auth,
    params: { expand: 'Client' },
  });
  expect(odd.status).toBe(400);
  const bad = await http.get('/cwa/api/v1/Computers', {
    headers: auth,
    params: { condition: 'Name ~ 1' },
  });
  expect(bad.data).toEqual({ Message: 'Unable to parse condition: Name ~ 1' });
  expect((await http.get('/cwa/api/v1/Computers/999999/Services', { headers: auth })).status).toBe(
    404,
  );
});
