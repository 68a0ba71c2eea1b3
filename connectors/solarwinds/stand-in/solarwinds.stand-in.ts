import { randomBytes } from 'node:crypto';
import {
  isObject,
  json,
  listen,
  parseJson,
  type RunningServer,
  type StandInRequest,
  type StandInResponse,
  type TlsMaterial,
} from '../../shared/stand-in/http-kit';
import { selfSignedCertificate } from '../../shared/stand-in/tls';
import {
  AlertAction,
  type AlertActionOutcome,
  type AlertActionTarget,
} from './solarwinds.alert-action';
import { SolarWindsState } from './solarwinds.state';
import { runSwql, SwqlError } from './solarwinds.swql';

/**
 * A local SWIS v3 REST/JSON endpoint for the demo: HTTPS with a self-signed certificate (as
 * SWIS ships), HTTP Basic, POST/GET Query with the tiny SWQL of solarwinds.swql.ts, and the
 * Orion.AlertActive verbs AppendNote and Acknowledge with positional arguments.
 */

const BASE = '/SolarWinds/InformationService/v3/Json';

export interface SolarWindsStandInOptions {
  port?: number;
  /** Certificate to present; a fresh self-signed one when absent. */
  tls?: TlsMaterial;
  username?: string;
  password?: string;
  now?: () => Date;
}

/** SWIS's error body (S6/S7): Message, ExceptionType, FullException. */
function swisError(status: number, message: string, type: string): StandInResponse {
  return json(status, {
    Message: message,
    ExceptionType: type,
    FullException: `${type}: ${message}`,
  });
}

const ACCESS_DENIED =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">\n<HTML><HEAD><TITLE>Access is denied</TITLE></HEAD><BODY><h2>Access is denied</h2></BODY></HTML>';

export class SolarWindsStandIn extends SolarWindsState {
  readonly username: string;
  readonly password: string;
  readonly tls: TlsMaterial;
  private server?: RunningServer;
  private action?: AlertAction;

  private constructor(options: SolarWindsStandInOptions) {
    super(options.now);
    this.username = options.username ?? 'CORP\\svc-switchboard';
    this.password = options.password ?? randomBytes(12).toString('base64url');
    this.tls = options.tls ?? selfSignedCertificate();
  }

  static async start(options: SolarWindsStandInOptions = {}): Promise<SolarWindsStandIn> {
    const standIn = new SolarWindsStandIn(options);
    standIn.server = await listen((req) => standIn.handle(req), {
      port: options.port,
      tls: standIn.tls,
    });
    return standIn;
  }

  /** The connector's `host` is 127.0.0.1 and its `port` this one. */
  get port(): number {
    if (!this.server) throw new Error('stand-in not started');
    return this.server.port;
  }

  get url(): string {
    if (!this.server) throw new Error('stand-in not started');
    return `${this.server.url}${BASE}`;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /**
   * Plays the alert action of the README on both built-in alert definitions: each trigger and
   * reset is POSTed to `target.url` (the instance's webhook URL with `?token=`).
   */
  useAlertAction(target: AlertActionTarget): void {
    this.action = new AlertAction(this, target);
  }

  /** Every alert action POST so far, once each has had its answer. */
  async alertActionsSent(): Promise<AlertActionOutcome[]> {
    return this.action ? this.action.outcomes() : [];
  }

  private authorized(req: StandInRequest): boolean {
    const header = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    return header === expected;
  }

  private handle(req: StandInRequest): StandInResponse {
    if (!req.path.startsWith(`${BASE}/`)) return { status: 404, body: 'Not Found' };
    if (!this.authorized(req))
      return {
        status: 401,
        body: ACCESS_DENIED,
        headers: { 'Content-Type': 'text/html', 'WWW-Authenticate': 'Basic realm="SolarWinds"' },
      };
    const route = req.path.slice(BASE.length + 1);
    if (route === 'Query' && req.method === 'GET')
      return this.query(req.query.get('query') ?? '', {});
    if (req.method !== 'POST')
      return swisError(405, 'Method not allowed', 'System.ServiceModel.ProtocolException');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      return swisError(
        400,
        'Content-Type must be application/json',
        'System.ServiceModel.ProtocolException',
      );
    const parsed = parseJson(req.body);
    if (!parsed.ok)
      return swisError(
        400,
        'The request body is not valid JSON',
        'System.Runtime.Serialization.SerializationException',
      );
    if (route === 'Query') {
      const body = parsed.value;
      if (!isObject(body) || typeof body.query !== 'string')
        return swisError(400, 'query is required', 'System.ArgumentException');
      const parameters = body.parameters ?? {};
      if (!isObject(parameters))
        return swisError(400, 'parameters must be an object', 'System.ArgumentException');
      return this.query(body.query, parameters);
    }
    const verb = /^Invoke\/Orion\.AlertActive\/(AppendNote|Acknowledge)$/.exec(route);
    if (verb) return this.invoke(verb[1], parsed.value);
    return swisError(
      400,
      `Unsupported operation ${route}`,
      'SolarWinds.InformationService.Verb.VerbExecutorException',
    );
  }

  private query(swql: string, parameters: Record<string, unknown>): StandInResponse {
    try {
      return json(200, { results: runSwql(swql, parameters, (entity) => this.table(entity)) });
    } catch (err) {
      if (err instanceof SwqlError) return swisError(400, err.message, err.exceptionType);
      throw err;
    }
  }

  /** Positional arguments, as the official SDKs send them: [[alertObjectIds], note]. */
  private invoke(verb: string, args: unknown): StandInResponse {
    const ok =
      Array.isArray(args) &&
      args.length === 2 &&
      Array.isArray(args[0]) &&
      args[0].every((id) => Number.isInteger(id)) &&
      typeof args[1] === 'string';
    if (!ok)
      return swisError(
        500,
        `Verb Orion.AlertActive.${verb} cannot unpack its parameters`,
        'SolarWinds.InformationService.Verb.VerbExecutorException',
      );
    const [ids, note] = args as [number[], string];
    const result =
      verb === 'AppendNote'
        ? this.appendNote(ids, note, this.username)
        : this.acknowledge(ids, note, this.username);
    return json(200, result);
  }
}
