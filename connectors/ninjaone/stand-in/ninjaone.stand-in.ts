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
import { NinjaOneOAuth, type IssuedToken, type NinjaOneApp } from './ninjaone.oauth';
import {
  dateParam,
  intParam,
  listPage,
  ReportCursors,
  unknownParams,
  type ReportPage,
} from './ninjaone.paging';
import { NinjaOneState, type NinjaDevice, type NinjaPatchRow } from './ninjaone.state';

/**
 * A local NinjaOne Public API v2 for the demo: the endpoints connectors/ninjaone calls, same
 * paths, OAuth and JSON shapes, over HTTPS (the connector's settings accept https only).
 * State methods come from NinjaOneState.
 */

export interface NinjaOneStandInOptions {
  port?: number;
  tls: TlsMaterial;
  app?: Partial<NinjaOneApp>;
  now?: () => Date;
}

/** Reads need `monitoring`, script/run `management`, as the spec's operation tags suggest. */
type Scope = 'monitoring' | 'management';

const NOT_AUTHENTICATED = {
  error: 'not_authenticated',
  error_description: 'Invalid credentials',
  error_code: 10,
};
const USER_CONTEXT_REQUIRED = {
  error: 'user_context_required',
  error_description: 'Access key does not have user context which is required for this request',
  error_code: 5,
};

function badRequest(description: string): StandInResponse {
  return json(400, { error: 'bad_request', error_description: description });
}

function notFound(description: string): StandInResponse {
  return json(404, { error: 'not_found', error_description: description });
}

export class NinjaOneStandIn extends NinjaOneState {
  readonly app: NinjaOneApp;
  private readonly oauth: NinjaOneOAuth;
  private readonly cursors: ReportCursors;
  private server?: RunningServer;

  private constructor(options: NinjaOneStandInOptions) {
    super(options.now);
    this.app = {
      clientId: options.app?.clientId ?? `demo-${randomBytes(6).toString('hex')}`,
      clientSecret: options.app?.clientSecret ?? randomBytes(24).toString('base64url'),
      scopes: options.app?.scopes ?? ['monitoring', 'management', 'control'],
      refreshToken: options.app?.refreshToken ?? randomBytes(24).toString('base64url'),
    };
    this.oauth = new NinjaOneOAuth(this.app, this.now);
    this.cursors = new ReportCursors(this.now);
  }

  static async start(options: NinjaOneStandInOptions): Promise<NinjaOneStandIn> {
    const standIn = new NinjaOneStandIn(options);
    standIn.server = await listen((req) => standIn.handle(req), {
      port: options.port,
      tls: options.tls,
    });
    return standIn;
  }

  /** https://127.0.0.1:<port>: the connector's `baseUrl` (API and OAuth share the host). */
  get url(): string {
    if (!this.server) throw new Error('stand-in not started');
    return this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** Invalidates issued tokens, e.g. to show the connector renewing after a 401. */
  revokeTokens(): void {
    this.oauth.revokeAll();
  }

  private handle(req: StandInRequest): StandInResponse {
    if (req.method === 'POST' && (req.path === '/ws/oauth/token' || req.path === '/oauth/token'))
      return this.oauth.token(req);
    if (!req.path.startsWith('/v2/')) return notFound(`no route ${req.path}`);
    const token = this.oauth.authenticate(req.headers.authorization);
    if (!token) return json(401, NOT_AUTHENTICATED);
    if (req.method === 'GET') return this.read(req, token);
    const run = /^\/v2\/device\/(\d+)\/script\/run$/.exec(req.path);
    if (req.method === 'POST' && run) return this.scriptRun(req, token, Number(run[1]));
    return notFound(`no route ${req.method} ${req.path}`);
  }

  private read(req: StandInRequest, token: IssuedToken): StandInResponse {
    const denied = this.lacks(token, 'monitoring');
    if (denied) return denied;
    const services = /^\/v2\/device\/(\d+)\/windows-services$/.exec(req.path);
    if (services) return this.deviceServices(req, Number(services[1]));
    const deviceActivities = /^\/v2\/device\/(\d+)\/activities$/.exec(req.path);
    if (deviceActivities) return this.deviceActivityPage(req, Number(deviceActivities[1]));
    const device = /^\/v2\/device\/(\d+)$/.exec(req.path);
    if (device) return this.oneDevice(req, Number(device[1]));
    switch (req.path) {
      case '/v2/organizations':
        return this.list(req, this.organizations);
      case '/v2/devices-detailed':
        return this.list(
          req,
          this.devices.map((d) => this.asReported(d)),
        );
      case '/v2/queries/os-patch-installs':
        return this.report(req, ['installedAfter', 'installedBefore', 'status'], () =>
          this.installRows(req),
        );
      case '/v2/queries/os-patches':
        return this.report(req, ['status'], () => this.pendingRows(req));
      case '/v2/queries/windows-services':
        return this.report(req, ['name', 'state'], () => this.serviceRows(req));
      case '/v2/activities':
        return this.activityPage(req);
      case '/v2/automation/scripts':
        return this.library(req);
      default:
        return notFound(`no route GET ${req.path}`);
    }
  }

  private lacks(token: IssuedToken, scope: Scope): StandInResponse | undefined {
    return token.scopes.has(scope) ? undefined : json(401, { error: 'insufficient_privileges' });
  }

  /** An online agent checks in every minute or so: its lastContact is "now". */
  private asReported(device: NinjaDevice): NinjaDevice {
    if (device.offline) return device;
    return { ...device, lastContact: this.now().getTime() / 1000 };
  }

  private list<T extends { id: number }>(req: StandInRequest, rows: T[]): StandInResponse {
    const unknown = unknownParams(req.query, ['pageSize', 'after']);
    if (unknown.length > 0) return badRequest(`unsupported parameters: ${unknown.join(', ')}`);
    const pageSize = intParam(req.query, 'pageSize') ?? 1000;
    const after = intParam(req.query, 'after');
    if (Number.isNaN(pageSize) || pageSize < 1 || Number.isNaN(after ?? 0))
      return badRequest('pageSize and after must be whole numbers');
    return json(200, listPage(rows, after, pageSize));
  }

  /** Report queries: filters on the first request, then `cursor=<name>` until results is []. */
  private report<T>(
    req: StandInRequest,
    filters: string[],
    rows: () => T[] | StandInResponse,
  ): StandInResponse {
    const unknown = unknownParams(req.query, ['pageSize', 'cursor', ...filters]);
    if (unknown.length > 0) return badRequest(`unsupported parameters: ${unknown.join(', ')}`);
    const pageSize = intParam(req.query, 'pageSize') ?? 1000;
    if (Number.isNaN(pageSize) || pageSize < 1) return badRequest('pageSize must be a number');
    const name = req.query.get('cursor');
    if (name !== null) {
      const page: ReportPage<T> | undefined = this.cursors.next<T>(name, pageSize);
      return page ? json(200, page) : badRequest('unknown or expired cursor');
    }
    const selected = rows();
    return Array.isArray(selected) ? json(200, this.cursors.first(selected, pageSize)) : selected;
  }

  private installRows(req: StandInRequest): NinjaPatchRow[] | StandInResponse {
    const after = dateParam(req.query, 'installedAfter');
    const before = dateParam(req.query, 'installedBefore');
    if (Number.isNaN(after ?? 0) || Number.isNaN(before ?? 0))
      return badRequest('installedAfter/installedBefore: epoch seconds or yyyyMMdd');
    const status = req.query.get('status')?.toUpperCase();
    return this.installs.filter(
      (r) =>
        (after === undefined || (r.installedAt ?? 0) > after) &&
        (before === undefined || (r.installedAt ?? 0) < before) &&
        (status === undefined || r.status === status),
    );
  }

  private pendingRows(req: StandInRequest): NinjaPatchRow[] {
    const status = req.query.get('status')?.toUpperCase();
    return this.pending.filter((r) => status === undefined || r.status === status);
  }

  private serviceRows(req: StandInRequest) {
    const at = this.now().getTime() / 1000;
    return [...this.services].flatMap(([deviceId, list]) =>
      this.matchServices(req, list).map((s) => ({ ...s, deviceId, timestamp: at })),
    );
  }

  private matchServices<S extends { name: string; state: string }>(req: StandInRequest, list: S[]) {
    const name = req.query.get('name');
    const state = req.query.get('state');
    return list.filter((s) => (!name || s.name === name) && (!state || s.state === state));
  }

  /** /v2/activities: newest first; olderThan=X → ids < X, newerThan=X → ids > X (doc S8). */
  private activityPage(req: StandInRequest): StandInResponse {
    const unknown = unknownParams(req.query, ['class', 'pageSize', 'olderThan', 'newerThan']);
    if (unknown.length > 0) return badRequest(`unsupported parameters: ${unknown.join(', ')}`);
    const pageSize = intParam(req.query, 'pageSize') ?? 200;
    const older = intParam(req.query, 'olderThan');
    const newer = intParam(req.query, 'newerThan');
    if ([pageSize, older ?? 0, newer ?? 0].some(Number.isNaN) || pageSize < 1 || pageSize > 1000)
      return badRequest('pageSize (1-1000), olderThan and newerThan must be whole numbers');
    if (older !== undefined && newer !== undefined)
      return badRequest('olderThan and newerThan cannot be combined');
    const kind = (req.query.get('class') ?? 'ALL').toUpperCase();
    if (!['ALL', 'DEVICE', 'SYSTEM', 'USER'].includes(kind)) return badRequest('unknown class');
    // Every activity here happened on a device.
    const rows = kind === 'ALL' || kind === 'DEVICE' ? this.activities : [];
    const activities = rows
      .filter((a) => (older === undefined || a.id < older) && (newer === undefined || a.id > newer))
      .sort((a, b) => b.id - a.id)
      .slice(0, pageSize);
    const lastActivityId = this.activities.reduce((max, a) => Math.max(max, a.id), 0);
    return json(200, { lastActivityId, activities });
  }

  /**
   * /v2/device/{id}/activities: the same paging, plus the activityType/status/seriesUid filters
   * of the doc's §4.6; lastActivityId is the tenant's newest id, lastNodeActivityId the device's.
   */
  private deviceActivityPage(req: StandInRequest, deviceId: number): StandInResponse {
    const unknown = unknownParams(req.query, [
      'pageSize',
      'olderThan',
      'newerThan',
      'activityType',
      'status',
      'seriesUid',
      'lang',
      'tz',
    ]);
    if (unknown.length > 0) return badRequest(`unsupported parameters: ${unknown.join(', ')}`);
    if (!this.devices.some((d) => d.id === deviceId))
      return notFound(`device ${deviceId} not found`);
    const pageSize = intParam(req.query, 'pageSize') ?? 200;
    const older = intParam(req.query, 'olderThan');
    const newer = intParam(req.query, 'newerThan');
    if ([pageSize, older ?? 0, newer ?? 0].some(Number.isNaN) || pageSize < 1 || pageSize > 1000)
      return badRequest('pageSize (1-1000), olderThan and newerThan must be whole numbers');
    if (older !== undefined && newer !== undefined)
      return badRequest('olderThan and newerThan cannot be combined');
    const type = req.query.get('activityType');
    const status = req.query.get('status');
    const series = req.query.get('seriesUid');
    const own = this.activities.filter((a) => a.deviceId === deviceId);
    const activities = own
      .filter(
        (a) =>
          (older === undefined || a.id < older) &&
          (newer === undefined || a.id > newer) &&
          (type === null || a.activityType === type) &&
          (status === null || a.statusCode === status) &&
          (series === null || a.seriesUid === series),
      )
      .sort((a, b) => b.id - a.id)
      .slice(0, pageSize);
    const newest = (rows: { id: number }[]) => rows.reduce((max, a) => Math.max(max, a.id), 0);
    return json(200, {
      lastActivityId: newest(this.activities),
      lastNodeActivityId: newest(own),
      activities,
    });
  }

  /** GET /v2/device/{id}: one device, as devices-detailed lists it. */
  private oneDevice(req: StandInRequest, deviceId: number): StandInResponse {
    const unknown = unknownParams(req.query, []);
    if (unknown.length > 0) return badRequest(`unsupported parameters: ${unknown.join(', ')}`);
    const device = this.devices.find((d) => d.id === deviceId);
    return device ? json(200, this.asReported(device)) : notFound(`device ${deviceId} not found`);
  }

  /** GET /v2/automation/scripts: the script library, a bare array. */
  private library(req: StandInRequest): StandInResponse {
    const unknown = unknownParams(req.query, ['lang']);
    if (unknown.length > 0) return badRequest(`unsupported parameters: ${unknown.join(', ')}`);
    return json(200, this.scripts);
  }

  /** Bare array, the report's objects without deviceId/timestamp (api doc §4.8). */
  private deviceServices(req: StandInRequest, deviceId: number): StandInResponse {
    const unknown = unknownParams(req.query, ['name', 'state']);
    if (unknown.length > 0) return badRequest(`unsupported parameters: ${unknown.join(', ')}`);
    const list = this.services.get(deviceId);
    if (!list) return notFound(`device ${deviceId} not found`);
    return json(200, this.matchServices(req, list));
  }

  /** 204 and no job id, like NinjaOne; refuses client-credentials tokens (api doc §2.4). */
  private scriptRun(req: StandInRequest, token: IssuedToken, deviceId: number): StandInResponse {
    if (token.grant !== 'user') return json(403, USER_CONTEXT_REQUIRED);
    const denied = this.lacks(token, 'management');
    if (denied) return denied;
    if (!this.devices.some((d) => d.id === deviceId))
      return notFound(`device ${deviceId} not found`);
    const parsed = parseJson(req.body);
    const body = parsed.ok ? parsed.value : undefined;
    if (!isObject(body)) return badRequest('a JSON object body is expected');
    const { type, id, uid, parameters, runAs } = body;
    const valid =
      (type === 'SCRIPT' && Number.isInteger(id)) || (type === 'ACTION' && typeof uid === 'string');
    if (!valid) return badRequest('type SCRIPT with an integer id, or ACTION with a uid');
    if (parameters !== undefined && typeof parameters !== 'string')
      return badRequest('parameters must be a string');
    if (runAs !== undefined && typeof runAs !== 'string')
      return badRequest('runAs must be a string');
    if (type === 'SCRIPT' && !this.scripts.some((s) => s.id === id))
      return notFound(`script ${String(id)} not found`);
    this.recordScriptRun({
      deviceId,
      body: {
        type,
        ...(typeof id === 'number' && { id }),
        ...(typeof uid === 'string' && { uid }),
        ...(typeof parameters === 'string' && { parameters }),
        ...(typeof runAs === 'string' && { runAs }),
      },
      at: this.now(),
      seriesUid: randomUUID(),
    });
    return { status: 204 };
  }
}
