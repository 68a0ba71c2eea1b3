import { randomBytes } from 'node:crypto';
import {
  listen,
  type RunningServer,
  type StandInRequest,
  type StandInResponse,
} from '../../shared/stand-in/http-kit';
import { eventAcknowledge } from './zabbix.acknowledge';
import { eventGet, problemGet, triggerGet, type EventData } from './zabbix.events';
import { hostGet, hostGroupGet } from './zabbix.inventory';
import {
  applicationError,
  invalidParams,
  isEmptyParams,
  paramsObject,
  RpcError,
} from './zabbix.params';
import { handleRpc, type Caller, type RpcMethod } from './zabbix.rpc';
import { MediaType, type MediaOutcome, type MediaTarget } from './zabbix.media-type';
import { ZabbixState, type ProblemOptions } from './zabbix.state';

/**
 * A local Zabbix 6.0.14 api_jsonrpc.php for the demo: only the methods connectors/zabbix
 * calls (plus problem.get, to inspect acknowledgements), over plain HTTP as a loopback
 * Zabbix frontend would be. State methods come from ZabbixState.
 */

export const ZABBIX_VERSION = '6.0.14';

export interface ZabbixStandInOptions {
  port?: number;
  /** 64 hex characters; generated when absent. */
  apiToken?: string;
  username?: string;
  password?: string;
  now?: () => Date;
}

/** The API user every credential belongs to (userid as Zabbix would number a new user). */
const API_USERID = '3';

export class ZabbixStandIn extends ZabbixState {
  readonly apiToken: string;
  readonly username: string;
  readonly password: string;
  private readonly sessions = new Set<string>();
  private readonly terminated = new Set<string>();
  private server?: RunningServer;
  private media?: MediaType;
  private readonly alerts: Promise<MediaOutcome>[] = [];

  private constructor(options: ZabbixStandInOptions) {
    super(options.now);
    this.apiToken = options.apiToken ?? randomBytes(32).toString('hex');
    this.username = options.username ?? 'switchboard-api';
    this.password = options.password ?? randomBytes(12).toString('base64url');
  }

  static async start(options: ZabbixStandInOptions = {}): Promise<ZabbixStandIn> {
    const standIn = new ZabbixStandIn(options);
    standIn.server = await listen((req) => standIn.handle(req), { port: options.port });
    return standIn;
  }

  /** http://127.0.0.1:<port>/zabbix/api_jsonrpc.php: the connector's `url` (Debian layout). */
  get url(): string {
    if (!this.server) throw new Error('stand-in not started');
    return `${this.server.url}/zabbix/api_jsonrpc.php`;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /**
   * An action that sends every problem and recovery to a user whose media is the shipped
   * Switchboard webhook, as the README's install steps set it up on a real server.
   */
  useMediaType(target: MediaTarget): void {
    this.media = new MediaType(target);
  }

  /** Every media-type alert sent so far, once each has had its answer. */
  async alertsSent(): Promise<MediaOutcome[]> {
    return Promise.all(this.alerts);
  }

  override raiseProblem(
    hostid: string,
    triggerName: string,
    tags: Record<string, string> = {},
    at: Date = this.now(),
    options: ProblemOptions = {},
  ): string {
    const eventid = super.raiseProblem(hostid, triggerName, tags, at, options);
    this.alert(eventid, eventid);
    return eventid;
  }

  override resolveProblem(eventid: string, at: Date = this.now()): string {
    const ok = super.resolveProblem(eventid, at);
    this.alert(ok, eventid);
    return ok;
  }

  private alert(eventid: string, problemId: string): void {
    if (!this.media) return;
    const event = this.events.find((e) => e.eventid === eventid)!;
    const problem = this.problemEvent(problemId);
    const trigger = this.triggers.find((t) => t.triggerid === problem.objectid)!;
    const params = this.media.expand(event, problem, this.host(problem.hostid), trigger);
    this.alerts.push(this.media.send(params, eventid));
  }

  /** Ends every session, as autologout would: session users must log in again. */
  expireSessions(): void {
    for (const s of this.sessions) this.terminated.add(s);
    this.sessions.clear();
  }

  private handle(req: StandInRequest): StandInResponse {
    const endpoint = req.path === '/api_jsonrpc.php' || req.path === '/zabbix/api_jsonrpc.php';
    if (!endpoint || req.method !== 'POST') return { status: 404, body: 'Not Found' };
    return handleRpc(req, this.methods(), (auth) => this.authenticate(auth));
  }

  /** 6.0 tells tokens from session ids by length: 64 characters is a token. */
  private authenticate(auth: string): Caller | RpcError {
    if (auth.length === 64)
      return auth === this.apiToken ? { userid: API_USERID } : invalidParams('Not authorized.');
    if (this.sessions.has(auth)) return { userid: API_USERID, session: auth };
    if (this.terminated.has(auth)) return invalidParams('Session terminated, re-login, please.');
    return invalidParams('Not authorized.');
  }

  private methods(): Record<string, RpcMethod> {
    const data: EventData = {
      hosts: this.hosts,
      triggers: this.triggers,
      events: this.events,
      now: this.now,
    };
    const authed = (run: (params: unknown, caller: Caller) => unknown): RpcMethod => ({
      auth: true,
      run: (params, caller) => {
        if (!caller) throw invalidParams('Not authorized.');
        return run(params, caller);
      },
    });
    return {
      'apiinfo.version': {
        auth: false,
        run: (params) => {
          if (!isEmptyParams(params))
            throw invalidParams('Invalid parameter "/": an array is expected.');
          return ZABBIX_VERSION;
        },
      },
      'user.login': { auth: false, run: (params) => this.login(params) },
      'user.logout': authed((params, caller) => {
        if (!isEmptyParams(params))
          throw invalidParams('Invalid parameter "/": an array is expected.');
        if (caller.session) this.sessions.delete(caller.session);
        return true;
      }),
      'hostgroup.get': authed((params) => hostGroupGet(params, this.groups)),
      'host.get': authed((params) => hostGet(params, this.hosts, this.groups)),
      'event.get': authed((params) => eventGet(params, data)),
      'trigger.get': authed((params) => triggerGet(params, data)),
      'problem.get': authed((params) => problemGet(params, data)),
      'event.acknowledge': authed((params, caller) =>
        eventAcknowledge(params, this.events, caller.userid, (event, userid, fields) =>
          this.addAcknowledge(event, userid, fields),
        ),
      ),
    };
  }

  /** user.login: `username` (5.4+) or the deprecated `user`, never both. */
  private login(params: unknown): string {
    const p = paramsObject(params, ['username', 'user', 'password']);
    if (p.username !== undefined && p.user !== undefined)
      throw invalidParams('Invalid parameter "/": unexpected parameter "user".');
    const name = p.username ?? p.user;
    if (name !== this.username || p.password !== this.password)
      throw applicationError('Incorrect user name or password or account is temporarily blocked.');
    const session = randomBytes(16).toString('hex');
    this.sessions.add(session);
    return session;
  }
}
