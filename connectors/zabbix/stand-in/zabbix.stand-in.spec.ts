import axios from 'axios';
import { ZabbixStandIn } from './zabbix.stand-in';

/** The JSON-RPC envelope and error shapes of 6.0.14 (connectors/zabbix/fixtures/error.*.json). */

let zabbix: ZabbixStandIn;

beforeAll(async () => {
  zabbix = await ZabbixStandIn.start();
});

afterAll(async () => {
  await zabbix.stop();
});

async function rpc(body: unknown, contentType = 'application/json-rpc') {
  const answer = await axios.post(zabbix.url, JSON.stringify(body), {
    headers: { 'Content-Type': contentType },
    transformResponse: (text: string) => text,
    validateStatus: () => true,
  });
  return { status: answer.status, body: answer.data === '' ? undefined : JSON.parse(answer.data) };
}

const call = (method: string, params: unknown, auth?: string) =>
  rpc({ jsonrpc: '2.0', method, params, id: 7, ...(auth !== undefined && { auth }) });

it('answers apiinfo.version without auth, and refuses it with auth', async () => {
  expect((await call('apiinfo.version', [])).body).toEqual({
    jsonrpc: '2.0',
    result: '6.0.14',
    id: 7,
  });
  expect((await call('apiinfo.version', [], zabbix.apiToken)).body.error).toMatchObject({
    code: -32602,
    data: 'The "apiinfo.version" method must be called without the "auth" parameter.',
  });
});

it('uses the 6.0 error texts for bad credentials', async () => {
  expect((await call('host.get', {}, 'f'.repeat(64))).body.error).toEqual({
    code: -32602,
    message: 'Invalid params.',
    data: 'Not authorized.',
  });
  expect((await call('user.login', { username: 'x', password: 'y' })).body.error).toEqual({
    code: -32500,
    message: 'Application error.',
    data: 'Incorrect user name or password or account is temporarily blocked.',
  });
});

it('asks a terminated session to log in again', async () => {
  const login = await call('user.login', { username: zabbix.username, password: zabbix.password });
  const session = login.body.result as string;
  expect((await call('hostgroup.get', { output: ['name'] }, session)).body.result).toBeInstanceOf(
    Array,
  );
  zabbix.expireSessions();
  expect((await call('hostgroup.get', {}, session)).body.error.data).toBe(
    'Session terminated, re-login, please.',
  );
});

it('refuses 6.2+ parameters, unknown methods and sort fields, like a strict 6.0', async () => {
  const token = zabbix.apiToken;
  expect((await call('host.get', { selectHostGroups: ['name'] }, token)).body.error.data).toBe(
    'Invalid parameter "/": unexpected parameter "selectHostGroups".',
  );
  expect((await call('host.list', {}, token)).body.error).toMatchObject({ code: -32601 });
  expect((await call('problem.get', { sortfield: 'clock' }, token)).body.error.data).toBe(
    'Sorting by field "clock" not allowed.',
  );
  expect(
    (await call('event.acknowledge', { eventids: ['1'], action: 34 }, token)).body.error.data,
  ).toBe('Incorrect value for field "action": unexpected value "34".');
});

it('answers a wrong content type with 412 and an empty body, and notifications with nothing', async () => {
  expect(
    await rpc({ jsonrpc: '2.0', method: 'apiinfo.version', params: [], id: 1 }, 'text/plain'),
  ).toEqual({
    status: 412,
    body: undefined,
  });
  expect(await rpc({ jsonrpc: '2.0', method: 'apiinfo.version', params: [] })).toEqual({
    status: 200,
    body: undefined,
  });
});

it('shows acknowledgements through problem.get selectAcknowledges', async () => {
  const group = zabbix.addHostGroup('Customers/Beta');
  const host = zabbix.addHost('beta-01', [group], '10.1.0.1');
  const eventid = zabbix.raiseProblem(host, 'Spooler is not running', { service: 'Spooler' });
  const ack = await call(
    'event.acknowledge',
    { eventids: eventid, action: 6, message: 'on it' },
    zabbix.apiToken,
  );
  expect(ack.body.result).toEqual({ eventids: [Number(eventid)] });
  const [problem] = (
    await call(
      'problem.get',
      { eventids: [eventid], output: ['eventid', 'acknowledged'], selectAcknowledges: 'extend' },
      zabbix.apiToken,
    )
  ).body.result;
  expect(problem).toMatchObject({
    eventid,
    acknowledged: '1',
    acknowledges: [{ message: 'on it', action: '6' }],
  });
});
