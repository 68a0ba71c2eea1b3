import {
  isObject,
  json,
  parseJson,
  type StandInRequest,
  type StandInResponse,
} from '../../shared/stand-in/http-kit';
import { invalidParams, RpcError } from './zabbix.params';

/**
 * The JSON-RPC 2.0 envelope of api_jsonrpc.php as Zabbix 6.0 handles it (api doc §1–3):
 * content types, HTTP 200 for every answer, batches, notifications, auth in the body `auth`
 * member, and methods that must be called without it.
 */

export interface Caller {
  userid: string;
  /** The session id when the caller logged in with user.login (not with a token). */
  session?: string;
}

export interface RpcMethod {
  /** false: must be called without `auth` (apiinfo.version, user.login). */
  auth: boolean;
  run(params: unknown, caller: Caller | undefined): unknown;
}

/** Resolves the body `auth` member (API token or session id) or says why not. */
export type Authenticate = (auth: string) => Caller | RpcError;

const CONTENT_TYPES = ['application/json-rpc', 'application/json', 'application/jsonrequest'];

type Reply = { jsonrpc: '2.0'; id: unknown } & (
  { result: unknown } | { error: { code: number; message: string; data: string } }
);

function failure(err: RpcError, id: unknown): Reply {
  return { jsonrpc: '2.0', error: { code: err.code, message: err.rpcMessage, data: err.data }, id };
}

function invalidRequest(data: string): RpcError {
  return new RpcError(-32600, 'Invalid request.', data);
}

function lookup(methods: Record<string, RpcMethod>, name: string): RpcMethod {
  const method = methods[name.toLowerCase()];
  if (method) return method;
  const api = name.split('.')[0].toLowerCase();
  const apiKnown = Object.keys(methods).some((m) => m.startsWith(`${api}.`));
  throw new RpcError(
    -32601,
    'Method not found.',
    apiKnown ? `Incorrect method "${name}".` : `Incorrect API "${name.split('.')[0]}".`,
  );
}

function call(
  body: unknown,
  methods: Record<string, RpcMethod>,
  authenticate: Authenticate,
): Reply | undefined {
  const id = isObject(body) ? body.id : null;
  try {
    if (!isObject(body)) throw invalidRequest('Invalid parameter "/": an array is expected.');
    if (body.jsonrpc !== '2.0')
      throw invalidRequest('Invalid parameter "/jsonrpc": value must be "2.0".');
    if (typeof body.method !== 'string')
      throw invalidRequest('Invalid parameter "/method": a character string is expected.');
    if (!('params' in body))
      throw invalidRequest('Invalid parameter "/": the parameter "params" is missing.');
    const method = lookup(methods, body.method);
    const auth = body.auth;
    let caller: Caller | undefined;
    if (!method.auth && auth !== undefined && auth !== null)
      throw invalidParams(
        `The "${body.method}" method must be called without the "auth" parameter.`,
      );
    if (method.auth) {
      if (auth === '') throw invalidRequest('Invalid parameter "/auth": cannot be empty.');
      if (typeof auth !== 'string') throw invalidParams('Not authorized.');
      const resolved = authenticate(auth);
      if (resolved instanceof RpcError) throw resolved;
      caller = resolved;
    }
    const result = method.run(body.params, caller);
    // A request without id is a notification: Zabbix runs it and answers nothing.
    return id === undefined ? undefined : { jsonrpc: '2.0', result, id };
  } catch (err) {
    if (!(err instanceof RpcError)) throw err;
    // Notifications get no answer, not even an error.
    return isObject(body) && id === undefined ? undefined : failure(err, id ?? null);
  }
}

export function handleRpc(
  req: StandInRequest,
  methods: Record<string, RpcMethod>,
  authenticate: Authenticate,
): StandInResponse {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  // The only non-200 the API itself produces: 412 with an empty body.
  if (!CONTENT_TYPES.includes(type)) return { status: 412 };
  const parsed = parseJson(req.body);
  if (!parsed.ok) {
    const err = new RpcError(
      -32700,
      'Parse error.',
      'Invalid JSON. An error occurred on the server while parsing the JSON text.',
    );
    return json(200, failure(err, null));
  }
  if (Array.isArray(parsed.value)) {
    if (parsed.value.length === 0)
      return json(200, failure(invalidRequest('Invalid parameter "/": cannot be empty.'), null));
    const replies = parsed.value
      .map((b) => call(b, methods, authenticate))
      .filter((r): r is Reply => r !== undefined);
    return replies.length > 0 ? json(200, replies) : { status: 200 };
  }
  const reply = call(parsed.value, methods, authenticate);
  return reply ? json(200, reply) : { status: 200 };
}
