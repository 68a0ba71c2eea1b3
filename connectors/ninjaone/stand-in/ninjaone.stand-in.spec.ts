import axios, { type AxiosInstance } from 'axios';
import { Agent } from 'node:https';
import type { Connector } from '../../contract/connector';
import { parseSettings } from '../../contract/settings';
import { createHttp } from '../../shared/http';
import { selfSignedCertificate } from '../../shared/stand-in/tls';
import { ninjaoneConnector } from '../index';
import { NinjaOneStandIn } from './ninjaone.stand-in';
import { REMOVE_PATCH_SCRIPT, removePatchOutput } from './ninjaone.state';

/**
 * The rollback round trip against the stand-in with the real connector: script/run queues a
 * run (START_REQUESTED), the driver finishes it (COMPLETED, "Run Remove-Patch", the output as
 * message), and rollbackResult follows it through /v2/device/{id}/activities.
 */

const KB = 'KB5034441';
const TITLE = '2024-01 Security Update for Windows Server 2022 (KB5034441)';

let standIn: NinjaOneStandIn;
let agent: Agent;
let organizationId: number;

beforeAll(async () => {
  const tls = selfSignedCertificate();
  standIn = await NinjaOneStandIn.start({ tls });
  agent = new Agent({ ca: tls.cert });
  organizationId = standIn.addOrganization('Acme Dental');
});

afterAll(async () => {
  agent.destroy();
  await standIn.stop();
});

function connect(overrides: Record<string, unknown> = {}): Connector {
  const http = createHttp();
  http.defaults.httpsAgent = agent;
  const settings = parseSettings(ninjaoneConnector.settings, {
    baseUrl: standIn.url,
    clientId: standIn.app.clientId,
    clientSecret: standIn.app.clientSecret,
    refreshToken: standIn.app.refreshToken,
    rollbackScriptId: REMOVE_PATCH_SCRIPT.id,
    ...overrides,
  });
  return ninjaoneConnector.create({
    instanceId: 'stand-in-spec',
    settings,
    http,
    clock: () => new Date(),
  });
}

/** A device with the KB installed and an activity history. */
function seedDevice(name: string, offline = false): number {
  const deviceId = standIn.addDevice({ organizationId, systemName: name, offline });
  standIn.installPatch(deviceId, KB, TITLE);
  standIn.reboot(deviceId);
  return deviceId;
}

async function appToken(http: AxiosInstance): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: standIn.app.clientId,
    client_secret: standIn.app.clientSecret,
    scope: 'monitoring',
  });
  const answer = await http.post<{ access_token: string }>('/ws/oauth/token', form.toString(), {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  return answer.data.access_token;
}

async function api(): Promise<AxiosInstance> {
  const http = axios.create({
    baseURL: standIn.url,
    httpsAgent: agent,
    validateStatus: () => true,
  });
  http.defaults.headers.common.Authorization = `Bearer ${await appToken(http)}`;
  return http;
}

it('follows a removal from START_REQUESTED to the removed report, and drops the install row', async () => {
  const deviceId = seedDevice('SERVER-01');
  const ninja = connect();
  const device = { id: String(deviceId) };
  const job = await ninja.runRollback!(device, KB);
  expect(job.jobId).toMatch(
    new RegExp(
      `^device/${deviceId}/script/${REMOVE_PATCH_SCRIPT.id}/kb/5034441/after/\\d+/at/\\d+$`,
    ),
  );
  expect(await ninja.rollbackResult!(device, job.jobId)).toEqual({
    state: 'running',
    detail: 'queued on the device',
  });

  standIn.finishScriptRun(deviceId, {
    result: 'SUCCESS',
    output: removePatchOutput(KB, 'removed'),
  });
  const result = await ninja.rollbackResult!(device, job.jobId);
  expect(result).toMatchObject({
    state: 'succeeded',
    exitCode: 3010,
    report: { kb: KB, outcome: 'removed', rebootRequired: true },
    detail: 'Remove-Patch removed KB5034441 (exit 3010); a reboot is needed to finish the removal',
  });

  const http = await api();
  const installs = await http.get('/v2/queries/os-patch-installs', { params: { pageSize: 1000 } });
  expect(installs.data.results).not.toContainEqual(
    expect.objectContaining({ deviceId, kbNumber: KB }),
  );
  const detail = await http.get(`/v2/device/${deviceId}`);
  expect(detail.data).toMatchObject({ id: deviceId, os: { needsReboot: true } });
});

it('reports a refused removal as failed, and leaves the install row', async () => {
  const deviceId = seedDevice('SERVER-02');
  const ninja = connect();
  const device = { id: String(deviceId) };
  const job = await ninja.runRollback!(device, KB);
  standIn.finishScriptRun(deviceId, {
    result: 'FAILURE',
    output: removePatchOutput(KB, 'refused', { message: 'KB5034441 is permanent.' }),
  });
  expect(await ninja.rollbackResult!(device, job.jobId)).toMatchObject({
    state: 'failed',
    exitCode: 20,
    detail: 'Remove-Patch refused to remove KB5034441 (exit 20): KB5034441 is permanent.',
  });
  const http = await api();
  const installs = await http.get('/v2/queries/os-patch-installs', { params: { pageSize: 1000 } });
  expect(installs.data.results).toContainEqual(
    expect.objectContaining({ deviceId, kbNumber: KB, status: 'INSTALLED' }),
  );
});

it('judges a run without a report from activityResult alone, as unconfirmed', async () => {
  const deviceId = seedDevice('SERVER-03');
  const ninja = connect();
  const device = { id: String(deviceId) };
  const job = await ninja.runRollback!(device, KB);
  standIn.finishScriptRun(deviceId, { result: 'SUCCESS', output: 'done' });
  const result = await ninja.rollbackResult!(device, job.jobId);
  expect(result.state).toBe('succeeded');
  expect(result.report).toBeUndefined();
  expect(result.detail).toContain('unconfirmed');
});

it('says an offline device runs the script when it checks in, then follows it', async () => {
  const deviceId = seedDevice('LAPTOP-07', true);
  const ninja = connect();
  const device = { id: String(deviceId) };
  const job = await ninja.runRollback!(device, KB);
  expect(await ninja.rollbackResult!(device, job.jobId)).toEqual({
    state: 'running',
    detail: 'device is offline; NinjaOne runs the script when it checks in',
  });
  standIn.setDeviceOffline(deviceId, false);
  const [queued] = (
    await (
      await api()
    ).get(`/v2/device/${deviceId}/activities`, {
      params: { pageSize: 1, activityType: 'ACTION' },
    })
  ).data.activities;
  expect(queued).toMatchObject({
    statusCode: 'START_REQUESTED',
    sourceName: `Run ${REMOVE_PATCH_SCRIPT.name}`,
  });
  expect(await ninja.rollbackResult!(device, job.jobId)).toEqual({
    state: 'running',
    detail: 'queued on the device',
  });
});

it('serves device activities newest first with both counters, and the script library', async () => {
  const deviceId = seedDevice('SERVER-04');
  const other = seedDevice('SERVER-05');
  const http = await api();
  const own = await http.get(`/v2/device/${deviceId}/activities`, { params: { pageSize: 10 } });
  const ids = own.data.activities.map((a: { id: number }) => a.id);
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
  expect(own.data.lastNodeActivityId).toBe(ids[0]);
  expect(own.data.lastActivityId).toBeGreaterThan(ids[0]);
  const newer = await http.get(`/v2/device/${deviceId}/activities`, {
    params: { newerThan: ids[1] },
  });
  expect(newer.data.activities.map((a: { id: number }) => a.id)).toEqual([ids[0]]);
  const both = await http.get(`/v2/device/${other}/activities`, {
    params: { newerThan: 1, olderThan: 2 },
  });
  expect(both.status).toBe(400);
  expect((await http.get('/v2/device/999999/activities')).status).toBe(404);

  const library = await http.get('/v2/automation/scripts');
  expect(library.data).toContainEqual(
    expect.objectContaining({ id: REMOVE_PATCH_SCRIPT.id, name: REMOVE_PATCH_SCRIPT.name }),
  );
});

it('refuses to run a script the library does not have, and records no run', async () => {
  const deviceId = seedDevice('SERVER-06');
  const ninja = connect({ rollbackScriptId: 999 });
  await expect(ninja.runRollback!({ id: String(deviceId) }, KB)).rejects.toMatchObject({
    reason: 'not-found',
  });
  expect(standIn.scriptRuns().filter((r) => r.deviceId === deviceId)).toEqual([]);
  expect(() => standIn.finishScriptRun(deviceId, { result: 'SUCCESS', output: '' })).toThrow(
    'no unfinished script run',
  );
});
