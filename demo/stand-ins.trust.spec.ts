import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startStandIns, type StandIns } from './stand-ins';

/**
 * How a Switchboard process gets to trust the stand-ins' self-signed certificate, checked in
 * fresh child processes: the core builds its HTTP clients with createHttp() and no custom
 * agent, and a jest worker may have nock's interceptor installed, which bypasses the global
 * agent. Each child asks the NinjaOne token endpoint with nothing: any HTTP answer means the
 * TLS handshake succeeded.
 */

const run = promisify(execFile);
const root = join(__dirname, '..');

let standIns: StandIns;

beforeAll(async () => {
  standIns = await startStandIns();
});

afterAll(async () => {
  await standIns.stop();
});

const ASK = `
  createHttp()
    .post(process.env.STAND_IN_URL + '/ws/oauth/token', '')
    .catch((e) => e)
    .then((r) => console.log(r.response ? 'http ' + r.response.status : r.status ? 'http ' + r.status : 'failed ' + r.code));
`;

async function child(script: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, ['-e', script], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', STAND_IN_URL: standIns.urls.ninjaone, ...env },
  });
  return stdout.trim();
}

const withTs = (body: string): string => `
  require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(join(root, 'tsconfig.json'))} });
  const { createHttp } = require(${JSON.stringify(join(root, 'connectors/shared/http.ts'))});
  const { trustInThisProcess } = require(${JSON.stringify(join(root, 'connectors/shared/stand-in/tls.ts'))});
  ${body}
`;

it('is refused by default', async () => {
  expect(await child(withTs(ASK))).toBe('failed DEPTH_ZERO_SELF_SIGNED_CERT');
}, 30_000);

it('is trusted in-process after trustInThisProcess(ca)', async () => {
  const script = withTs(`trustInThisProcess(process.env.STAND_IN_CA); ${ASK}`);
  expect(await child(script, { STAND_IN_CA: standIns.ca })).toMatch(/^http \d{3}$/);
}, 30_000);

it('is trusted by a process started with NODE_EXTRA_CA_CERTS=caFile', async () => {
  expect(await child(withTs(ASK), { NODE_EXTRA_CA_CERTS: standIns.caFile })).toMatch(
    /^http \d{3}$/,
  );
}, 30_000);
