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
import {
  noteCreate,
  patchOperations,
  ticketCreate,
  type PatchOperation,
  type Ref,
} from './connectwise-manage.bodies';
import {
  badRequest,
  COMPANY_FIELDS,
  CONFIGURATION_FIELDS,
  listResponse,
  NOTE_FIELDS,
  PRIORITY_FIELDS,
  REFERENCE_FIELDS,
  STATUS_FIELDS,
  TICKET_FIELDS,
} from './connectwise-manage.list';
import {
  ConnectWiseManageState,
  PRIORITIES,
  type CwMember,
  type CwStatus,
  type CwTicket,
} from './connectwise-manage.state';

/**
 * A local ConnectWise PSA (Manage) REST 3.0 for the demo: the endpoints
 * connectors/connectwise-manage calls, under /{codebase}/apis/3.0, with Basic
 * `company+publicKey:privateKey` plus the `clientId` header on every call. HTTPS, because the
 * connector always builds https:// URLs. State methods come from ConnectWiseManageState.
 */

export interface ConnectWiseCredentials {
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
}

export interface ConnectWiseManageStandInOptions {
  port?: number;
  tls: TlsMaterial;
  credentials?: Partial<ConnectWiseCredentials>;
  now?: () => Date;
}

/** The API member the keys belong to: it shows as createdBy/closedBy on our writes. */
export const API_MEMBER: CwMember = {
  id: 177,
  identifier: 'SwitchboardAPI',
  name: 'Switchboard API',
};

const BASE = /^\/[A-Za-z0-9_.-]+\/apis\/3\.0(\/.*?)\/?$/;
const NOT_AUTHENTICATED = { code: 'ConnectWiseApi', message: 'UserNotAuthenticated', errors: null };

function notFound(message: string): StandInResponse {
  return json(404, { code: 'NotFound', message, errors: null });
}

export class ConnectWiseManageStandIn extends ConnectWiseManageState {
  readonly credentials: ConnectWiseCredentials;
  private server?: RunningServer;

  private constructor(options: ConnectWiseManageStandInOptions) {
    super(options.now);
    this.credentials = {
      companyId: options.credentials?.companyId ?? 'switchmsp',
      publicKey: options.credentials?.publicKey ?? randomBytes(8).toString('hex'),
      privateKey: options.credentials?.privateKey ?? randomBytes(8).toString('hex'),
      clientId: options.credentials?.clientId ?? randomUUID(),
    };
  }

  static async start(options: ConnectWiseManageStandInOptions): Promise<ConnectWiseManageStandIn> {
    const standIn = new ConnectWiseManageStandIn(options);
    standIn.server = await listen((req) => standIn.handle(req), {
      port: options.port,
      tls: options.tls,
    });
    return standIn;
  }

  /** https://127.0.0.1:<port>; the connector's `site` is this without the scheme. */
  get url(): string {
    if (!this.server) throw new Error('stand-in not started');
    return this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  private authorized(req: StandInRequest): boolean {
    const { companyId, publicKey, privateKey, clientId } = this.credentials;
    const expected = Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64');
    return req.headers.authorization === `Basic ${expected}` && req.headers.clientid === clientId;
  }

  private handle(req: StandInRequest): StandInResponse {
    const base = BASE.exec(req.path);
    if (!base) return notFound(`no route ${req.path}`);
    if (!this.authorized(req)) return json(401, NOT_AUTHENTICATED);
    const reply = this.route(req, base[1]);
    return { ...reply, headers: { 'api-current-version': '2025.1', ...reply.headers } };
  }

  private route(req: StandInRequest, path: string): StandInResponse {
    const [, collection, id, sub] =
      /^(\/[a-z]+\/[a-zA-Z]+)(?:\/(\d+))?(?:\/([a-zA-Z]+))?$/.exec(path) ?? [];
    const key = `${req.method} ${collection}${id ? '/{id}' : ''}${sub ? `/${sub}` : ''}`;
    const n = Number(id);
    switch (key) {
      case 'GET /company/companies':
        return listResponse(req, this.companies, COMPANY_FIELDS);
      case 'GET /company/companies/{id}':
        return this.one(
          this.companies.find((c) => c.id === n),
          'Company',
        );
      case 'GET /company/configurations':
        return listResponse(req, this.configurations, CONFIGURATION_FIELDS);
      case 'GET /company/configurations/{id}':
        return this.one(
          this.configurations.find((c) => c.id === n),
          'Configuration',
        );
      case 'GET /service/tickets':
        return listResponse(req, this.ticketRows, TICKET_FIELDS);
      case 'POST /service/tickets':
        return this.create(req);
      case 'GET /service/tickets/{id}':
        return this.one(
          this.ticketRows.find((t) => t.id === n),
          'Ticket',
        );
      case 'PATCH /service/tickets/{id}':
        return this.withTicket(n, (t) => this.patch(req, t));
      case 'GET /service/tickets/{id}/configurations':
        return this.withTicket(n, (t) =>
          listResponse(req, this.references(t.id), REFERENCE_FIELDS),
        );
      case 'POST /service/tickets/{id}/configurations':
        return this.withTicket(n, (t) => this.attach(req, t));
      case 'GET /service/tickets/{id}/notes':
        return this.withTicket(n, (t) =>
          listResponse(req, this.notes.get(t.id) ?? [], NOTE_FIELDS),
        );
      case 'POST /service/tickets/{id}/notes':
        return this.withTicket(n, (t) => this.note(req, t));
      case 'GET /service/boards/{id}/statuses': {
        const statuses = this.statuses.filter((s) => s.board.id === n);
        return statuses.length > 0
          ? listResponse(req, statuses, STATUS_FIELDS)
          : notFound('Board not found');
      }
      case 'GET /service/priorities':
        return listResponse(req, PRIORITIES, PRIORITY_FIELDS);
      default:
        return notFound(`no route ${req.method} ${path}`);
    }
  }

  private one(row: object | undefined, what: string): StandInResponse {
    return row ? json(200, row) : notFound(`${what} not found`);
  }

  private withTicket(id: number, then: (t: CwTicket) => StandInResponse): StandInResponse {
    const ticket = this.ticketRows.find((t) => t.id === id);
    return ticket ? then(ticket) : notFound('Ticket not found');
  }

  private references(ticketId: number) {
    return (this.attached.get(ticketId) ?? []).flatMap((cid) => {
      const c = this.configurations.find((x) => x.id === cid);
      return c ? [this.reference(c.id, c.deviceIdentifier)] : [];
    });
  }

  private reference(id: number, deviceIdentifier: string) {
    const href = `${this.url}/v4_6_release/apis/3.0/company/configurations/${id}`;
    return { id, deviceIdentifier, _info: { configuration_href: href } };
  }

  private statusOn(boardId: number, ref: Ref): CwStatus | undefined {
    return this.statuses.find(
      (s) =>
        s.board.id === boardId && (ref.id !== undefined ? s.id === ref.id : s.name === ref.name),
    );
  }

  private create(req: StandInRequest): StandInResponse {
    const parsed = ticketCreate(req.body);
    if (!parsed.ok) return parsed.reply;
    const input = parsed.value;
    const board = this.statuses.find(
      (s) =>
        s.board.id === input.board?.id ||
        (input.board?.name !== undefined && s.board.name === input.board.name),
    )?.board;
    if (!board) return badRequest('The board field is required.', 'board');
    const company = this.companies.find(
      (c) =>
        (input.company?.id !== undefined && c.id === input.company.id) ||
        (input.company?.identifier !== undefined &&
          c.identifier.toLowerCase() === input.company.identifier.toLowerCase()),
    );
    if (!company) return badRequest('The company field is required.', 'company');
    const status = input.status ? this.statusOn(board.id, input.status) : undefined;
    if (input.status && !status)
      return badRequest(`Status not found on board ${board.id}.`, 'status');
    const priority = input.priority
      ? PRIORITIES.find((p) => p.id === input.priority?.id)
      : undefined;
    if (input.priority && !priority) return badRequest('Priority not found.', 'priority');
    const id = this.createTicket({
      summary: input.summary,
      boardId: board.id,
      company,
      by: API_MEMBER.identifier,
      statusId: status?.id,
      priority,
      externalXRef: input.externalXRef,
    });
    // The initial* texts are write-only: PSA turns them into the first notes.
    if (input.initialDescription)
      this.addNote(id, { text: input.initialDescription, detailDescriptionFlag: true }, API_MEMBER);
    if (input.initialInternalAnalysis)
      this.addNote(
        id,
        { text: input.initialInternalAnalysis, internalAnalysisFlag: true },
        API_MEMBER,
      );
    if (input.initialResolution)
      this.addNote(id, { text: input.initialResolution, resolutionFlag: true }, API_MEMBER);
    return json(201, this.findTicket(id));
  }

  /**
   * Whole top-level fields only. A sub-path such as `status/id` answers 200 and changes
   * nothing, the misleading behaviour the developer guide warns about (api doc §4.4).
   */
  private patch(req: StandInRequest, ticket: CwTicket): StandInResponse {
    const parsed = patchOperations(req.body);
    if (!parsed.ok) return parsed.reply;
    const changes: ((t: CwTicket) => void)[] = [];
    for (const op of parsed.value) {
      if (op.path.includes('/')) continue;
      const change = this.patchChange(ticket, op);
      if (typeof change !== 'function') return change;
      changes.push(change);
    }
    for (const change of changes) change(ticket);
    if (changes.length > 0) this.touch(ticket, API_MEMBER.identifier);
    return json(200, ticket);
  }

  private patchChange(
    ticket: CwTicket,
    op: PatchOperation,
  ): ((t: CwTicket) => void) | StandInResponse {
    if (
      op.op !== 'replace' &&
      !(op.path === 'externalXRef' && (op.op === 'add' || op.op === 'remove'))
    )
      return badRequest(`op ${op.op} on ${op.path} is not supported by the stand-in`, op.path);
    const value = op.value as Ref | string | undefined;
    switch (op.path) {
      case 'status': {
        const next = typeof value === 'object' ? this.statusOn(ticket.board.id, value) : undefined;
        if (!next) return badRequest(`Status not found on board ${ticket.board.id}.`, 'status');
        return (t) => this.setStatus(t, next, API_MEMBER.identifier);
      }
      case 'priority': {
        const priority =
          typeof value === 'object' ? PRIORITIES.find((p) => p.id === value.id) : undefined;
        if (!priority) return badRequest('Priority not found.', 'priority');
        return (t) => (t.priority = priority);
      }
      case 'summary':
        if (typeof value !== 'string' || value.trim() === '' || value.length > 100)
          return badRequest('Summary must be 1 to 100 characters.', 'summary');
        return (t) => (t.summary = value);
      case 'externalXRef':
        if (op.op === 'remove') return (t) => delete t.externalXRef;
        if (typeof value !== 'string' || value.length > 100)
          return badRequest(
            'externalXRef must be a string of at most 100 characters.',
            'externalXRef',
          );
        return (t) => (t.externalXRef = value);
      default:
        return badRequest(`${op.path} cannot be patched on the stand-in`, op.path);
    }
  }

  /** Attaching does not bump the ticket's lastUpdated (unconfirmed on PSA; the connector copes). */
  private attach(req: StandInRequest, ticket: CwTicket): StandInResponse {
    const parsed = parseJson(req.body);
    const id = parsed.ok && isObject(parsed.value) ? parsed.value.id : undefined;
    const configuration = this.configurations.find((c) => c.id === id);
    if (!configuration) return badRequest('The configuration was not found.', 'id');
    const list = this.attached.get(ticket.id) ?? [];
    if (!list.includes(configuration.id)) this.attached.set(ticket.id, [...list, configuration.id]);
    return json(201, this.reference(configuration.id, configuration.deviceIdentifier));
  }

  /** Notes do not bump the ticket's lastUpdated here (unconfirmed on PSA). */
  private note(req: StandInRequest, ticket: CwTicket): StandInResponse {
    const parsed = noteCreate(req.body);
    if (!parsed.ok) return parsed.reply;
    return json(201, this.addNote(ticket.id, parsed.value, API_MEMBER));
  }
}
