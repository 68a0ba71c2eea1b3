import { randomBytes, randomUUID } from 'node:crypto';
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
import type { AutomateScheduledScript } from '../connectwise-automate.types';
import { badRequest, listRows } from './connectwise-automate.query';
import { AutomateState } from './connectwise-automate.state';

/**
 * A local ConnectWise Automate REST API for the demo: the endpoints connectors/connectwise-automate
 * calls, same paths, token flow and JSON shapes, over HTTPS (the connector accepts https only).
 * State and driver methods come from AutomateState.
 */

export interface AutomateCredentials {
  /** The integration's ClientId, required as a header on every request. */
  clientId: string;
  username: string;
  password: string;
}

export interface ConnectWiseAutomateStandInOptions {
  port?: number;
  tls: TlsMaterial;
  credentials?: Partial<AutomateCredentials>;
  /** Token lifetime; an hour by default (api doc §2.2). */
  tokenSeconds?: number;
  now?: () => Date;
}

const DENIED = { Message: 'Authorization has been denied for this request.' };
const API = '/cwa/api/v1';

function notFound(message: string): StandInResponse {
  return json(404, { Message: message });
}

export class ConnectWiseAutomateStandIn extends AutomateState {
  readonly credentials: AutomateCredentials;
  private readonly tokens = new Map<string, number>();
  private readonly tokenSeconds: number;
  private server?: RunningServer;

  private constructor(options: ConnectWiseAutomateStandInOptions) {
    super(options.now);
    this.credentials = {
      clientId: options.credentials?.clientId ?? randomUUID(),
      username: options.credentials?.username ?? 'switchboard-integrator',
      password: options.credentials?.password ?? randomBytes(18).toString('base64url'),
    };
    this.tokenSeconds = options.tokenSeconds ?? 3600;
  }

  static async start(
    options: ConnectWiseAutomateStandInOptions,
  ): Promise<ConnectWiseAutomateStandIn> {
    const standIn = new ConnectWiseAutomateStandIn(options);
    standIn.server = await listen((req) => standIn.handle(req), {
      port: options.port,
      tls: options.tls,
    });
    return standIn;
  }

  /** https://127.0.0.1:<port>: the connector's `server` setting. */
  get url(): string {
    if (!this.server) throw new Error('stand-in not started');
    return this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** Invalidates issued tokens, e.g. to show the connector logging in again after a 401. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private handle(req: StandInRequest): StandInResponse {
    if (!req.path.startsWith(`${API}/`)) return notFound(`no route ${req.path}`);
    // Since 2020 patch 11 every request names a registered integration (api doc §2.1).
    if (req.headers.clientid !== this.credentials.clientId)
      return json(403, { Message: 'A valid ClientId header is required.' });
    const path = req.path.slice(API.length).toLowerCase();
    if (req.method === 'POST' && path === '/apitoken') return this.login(req);
    if (req.method === 'POST' && path === '/apitoken/refresh') return this.refresh(req);
    if (!this.authenticated(req.headers.authorization)) return json(401, DENIED);
    if (req.method === 'GET') return this.read(req, path);
    const schedule = /^\/computers\/(\d+)\/scheduledscripts$/.exec(path);
    if (req.method === 'POST' && schedule) return this.schedule(req, Number(schedule[1]));
    return notFound(`no route ${req.method} ${req.path}`);
  }

  private issue(): StandInResponse {
    const value = randomBytes(24).toString('base64url');
    const now = this.now().getTime();
    const expires = now + this.tokenSeconds * 1000;
    this.tokens.set(value, expires);
    return json(200, {
      AccessToken: value,
      TokenType: 'Bearer',
      ExpirationDate: new Date(expires).toISOString(),
      AbsoluteExpirationDate: new Date(now + 24 * 3_600_000).toISOString(),
      UserId: '118',
      InternalUserName: this.credentials.username,
      IsTwoFactorRequired: false,
      IsInternalTwoFactorRequired: false,
      SSOAccessToken: null,
    });
  }

  /** TokenCredentials; ASP.NET binds property names case-insensitively (api doc §2.2). */
  private login(req: StandInRequest): StandInResponse {
    const parsed = parseJson(req.body);
    const body = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
    if (!body) return badRequest('TokenCredentials expected');
    const field = (name: string) =>
      body[Object.keys(body).find((k) => k.toLowerCase() === name) ?? ''];
    if (
      field('username') !== this.credentials.username ||
      field('password') !== this.credentials.password
    )
      return json(401, { Message: 'Invalid username or password.' });
    return this.issue();
  }

  /** The current token, as a JSON string body, for a new one (api doc §2.2 step 4). */
  private refresh(req: StandInRequest): StandInResponse {
    const parsed = parseJson(req.body);
    const old = parsed.ok && typeof parsed.value === 'string' ? parsed.value : undefined;
    if (!old || !this.authenticated(`Bearer ${old}`)) return json(401, DENIED);
    this.tokens.delete(old);
    return this.issue();
  }

  private authenticated(header: string | undefined): boolean {
    const value = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
    const expires = value ? this.tokens.get(value) : undefined;
    return expires !== undefined && expires > this.now().getTime();
  }

  private read(req: StandInRequest, path: string): StandInResponse {
    const rows = (list: object[]) => listRows(req.query, list as Record<string, unknown>[]);
    switch (path) {
      case '/clients':
        return rows(this.clients);
      case '/computers':
        return rows(this.computers);
      case '/patchhistory':
        return rows(this.history);
      case '/scripts':
        return rows(this.scripts);
    }
    const sub = /^\/computers\/(\d+)\/([a-z]+)$/.exec(path);
    if (!sub) return notFound(`no route GET ${req.path}`);
    const computerId = Number(sub[1]);
    if (!this.computers.some((c) => c.Id === sub[1]))
      return notFound(`computer ${computerId} not found`);
    const own = <T extends { ComputerId: number }>(list: T[]) =>
      rows(list.filter((r) => r.ComputerId === computerId));
    switch (sub[2]) {
      case 'microsoftupdates':
        return own(this.updates);
      case 'services':
        return rows(this.services.get(computerId) ?? []);
      case 'scripthistory':
        return own(this.scriptHistory);
      case 'runningscripts':
        return own(this.running);
      default:
        return notFound(`no route GET ${req.path}`);
    }
  }

  /** Saves the schedule and echoes it with its Id, as Automate does (api doc §4.4). */
  private schedule(req: StandInRequest, computerId: number): StandInResponse {
    if (!this.computers.some((c) => c.Id === String(computerId)))
      return notFound(`computer ${computerId} not found`);
    const parsed = parseJson(req.body);
    const body = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
    if (!body) return badRequest('ScheduledScript expected');
    const scriptId = body.ScriptId;
    if (!Number.isInteger(scriptId)) return badRequest('ScriptId must be an integer');
    if (body.ComputerId !== computerId) return badRequest('ComputerId must match the path');
    if (typeof body.Parameters !== 'string') return badRequest('Parameters must be a string');
    if (!this.scripts.some((s) => s.Id === String(scriptId)))
      return notFound(`script ${String(scriptId)} not found`);
    const saved = {
      ...(body as unknown as AutomateScheduledScript),
      Id: this.newScheduleId(),
      User: this.credentials.username,
    };
    this.recordRun({ computerId, body: saved, at: this.now() });
    return json(200, saved);
  }
}
