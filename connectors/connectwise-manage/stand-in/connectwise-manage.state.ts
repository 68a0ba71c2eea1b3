/**
 * ConnectWise PSA records held in memory, in the REST 3.0 shapes of model version 2025.1
 * (shared/api/connectwise-manage.md, connectors/connectwise-manage/fixtures).
 */

export interface CwInfo {
  lastUpdated: string;
  updatedBy: string;
  dateEntered?: string;
}

export interface CwCompany {
  id: number;
  identifier: string;
  name: string;
  status: { id: number; name: string };
  types: { id: number; name: string }[];
  _info: CwInfo;
}

export interface CwConfiguration {
  id: number;
  name: string;
  type: { id: number; name: string };
  status: { id: number; name: string };
  company: { id: number; identifier: string; name: string };
  deviceIdentifier: string;
  serialNumber: string;
  ipAddress: string;
  osType: string;
  osInfo: string;
  activeFlag: boolean;
  _info: CwInfo;
}

export interface CwStatus {
  id: number;
  name: string;
  board: { id: number; name: string };
  sortOrder: number;
  displayOnBoard: boolean;
  inactive: boolean;
  closedStatus: boolean;
  timeEntryNotAllowed: boolean;
  defaultFlag: boolean;
  escalationStatus: string;
}

export interface CwPriority {
  id: number;
  name: string;
  sort: number;
  level: string;
}

export interface CwTicket {
  id: number;
  summary: string;
  recordType: string;
  board: { id: number; name: string };
  status: { id: number; name: string; sort: number };
  company: { id: number; identifier: string; name: string };
  priority: CwPriority;
  severity: string;
  impact: string;
  externalXRef?: string;
  closedFlag: boolean;
  closedDate?: string;
  closedBy?: string;
  actualHours: number;
  customFields: unknown[];
  _info: CwInfo;
}

export interface CwMember {
  id: number;
  identifier: string;
  name: string;
}

export interface CwNote {
  id: number;
  ticketId: number;
  text: string;
  detailDescriptionFlag: boolean;
  internalAnalysisFlag: boolean;
  resolutionFlag: boolean;
  issueFlag: boolean;
  internalFlag: boolean;
  externalFlag: boolean;
  member: CwMember;
  dateCreated: string;
  createdBy: string;
  _info: CwInfo;
}

/** What tickets() returns: the ticket as the API shows it, plus its notes and devices. */
export type TicketSnapshot = CwTicket & { notes: CwNote[]; configurationIds: number[] };

export interface NewConfiguration {
  /** Default "Managed Server". */
  type?: string;
  deviceIdentifier?: string;
  serialNumber?: string;
  ipAddress?: string;
  osInfo?: string;
  active?: boolean;
}

export const MONITORING_BOARD = 12;
export const HELP_DESK_BOARD = 3;

export const TECHNICIAN: CwMember = { id: 151, identifier: 'jlee', name: 'Jordan Lee' };

const CONFIGURATION_TYPES: Record<string, number> = {
  'Managed Server': 3,
  'Managed Workstation': 4,
  'Network Device': 5,
};

export const PRIORITIES: CwPriority[] = [
  { id: 2, name: 'Priority 1 - Critical', sort: 2, level: 'Critical' },
  { id: 4, name: 'Priority 2 - High', sort: 4, level: 'High' },
  { id: 8, name: 'Priority 3 - Normal', sort: 6, level: 'Medium' },
  { id: 12, name: 'Priority 4 - Low', sort: 8, level: 'Low' },
];

function status(
  board: { id: number; name: string },
  id: number,
  name: string,
  sortOrder: number,
  flags: { closed?: boolean; default?: boolean } = {},
): CwStatus {
  return {
    id,
    name,
    board,
    sortOrder,
    displayOnBoard: !flags.closed,
    inactive: false,
    closedStatus: flags.closed ?? false,
    timeEntryNotAllowed: flags.closed ?? false,
    defaultFlag: flags.default ?? false,
    escalationStatus: flags.closed ? 'Resolved' : sortOrder === 0 ? 'NotResponded' : 'Responded',
  };
}

/** Two boards as an MSP has them: alerts land on Monitoring, users call the Help Desk. */
function seedStatuses(): CwStatus[] {
  const monitoring = { id: MONITORING_BOARD, name: 'Monitoring' };
  const helpDesk = { id: HELP_DESK_BOARD, name: 'Help Desk' };
  return [
    status(monitoring, 501, 'New', 0, { default: true }),
    status(monitoring, 502, 'In Progress', 2),
    status(monitoring, 512, '>Closed', 9, { closed: true }),
    status(monitoring, 513, 'Closed - Auto', 10, { closed: true }),
    status(helpDesk, 301, 'New', 0, { default: true }),
    status(helpDesk, 302, 'In Progress', 2),
    status(helpDesk, 309, '>Closed', 9, { closed: true }),
  ];
}

/** PSA dates are whole-second UTC. */
export function psaTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class ConnectWiseManageState {
  protected readonly companies: CwCompany[] = [];
  protected readonly configurations: CwConfiguration[] = [];
  protected readonly statuses: CwStatus[] = seedStatuses();
  protected readonly ticketRows: CwTicket[] = [];
  protected readonly notes = new Map<number, CwNote[]>();
  protected readonly attached = new Map<number, number[]>();
  private nextCompanyId = 250;
  private nextConfigurationId = 5510;
  private nextTicketId = 184230;
  private nextNoteId = 905510;

  constructor(protected readonly now: () => Date = () => new Date()) {
    // The MSP's own catch-all company, for alerts that match no client.
    this.companies.push(this.company(19300, 'MSPCATCH', 'Unmatched alerts', 'Owner'));
  }

  addCompany(identifier: string, name: string): number {
    const id = this.nextCompanyId++;
    this.companies.push(this.company(id, identifier, name, 'Client'));
    return id;
  }

  /** `company`: its id or identifier. Returns the configuration id. */
  addConfiguration(company: number | string, name: string, options: NewConfiguration = {}): number {
    const owner = this.findCompany(company);
    const typeName = options.type ?? 'Managed Server';
    const id = this.nextConfigurationId++;
    this.configurations.push({
      id,
      name,
      type: { id: CONFIGURATION_TYPES[typeName] ?? 9, name: typeName },
      status: { id: 2, name: 'Active' },
      company: { id: owner.id, identifier: owner.identifier, name: owner.name },
      deviceIdentifier: options.deviceIdentifier ?? '',
      serialNumber: options.serialNumber ?? '',
      ipAddress: options.ipAddress ?? '',
      osType: typeName === 'Managed Server' ? 'Windows Server' : 'Windows',
      osInfo: options.osInfo ?? '',
      activeFlag: options.active ?? true,
      _info: this.info('NinjaSync'),
    });
    return id;
  }

  /** Every ticket with its notes and attached configuration ids (copies, oldest first). */
  tickets(): TicketSnapshot[] {
    return this.ticketRows.map((t) => ({
      ...structuredClone(t),
      notes: structuredClone(this.notes.get(t.id) ?? []),
      configurationIds: [...(this.attached.get(t.id) ?? [])],
    }));
  }

  /** A user calls the help desk: a ticket on the Help Desk board, status New. */
  openUserTicket(
    company: number | string,
    configuration: number | string | undefined,
    summary: string,
  ): number {
    const owner = this.findCompany(company);
    const id = this.createTicket({
      summary,
      boardId: HELP_DESK_BOARD,
      company: owner,
      by: 'PortalUser',
    });
    if (configuration !== undefined) {
      const device = this.configurations.find((c) =>
        typeof configuration === 'number' ? c.id === configuration : c.name === configuration,
      );
      if (!device) throw new Error(`stand-in: no configuration ${configuration}`);
      this.attached.set(id, [device.id]);
    }
    return id;
  }

  /** A technician picks the ticket up: In Progress, time logged (so it counts as worked). */
  startWorkAsTechnician(id: number, member: CwMember = TECHNICIAN): void {
    const ticket = this.findTicket(id);
    const next = this.statuses.find(
      (s) => s.board.id === ticket.board.id && s.name === 'In Progress',
    );
    if (next) this.setStatus(ticket, next, member.identifier);
    ticket.actualHours += 0.25;
  }

  /** A technician closes the ticket by hand (the board's first closed status). */
  closeTicketAsTechnician(id: number, member: CwMember = TECHNICIAN): void {
    const ticket = this.findTicket(id);
    const closed = this.statuses.find((s) => s.board.id === ticket.board.id && s.closedStatus);
    if (!closed) throw new Error(`stand-in: board ${ticket.board.id} has no closed status`);
    ticket.actualHours += 0.25;
    this.setStatus(ticket, closed, member.identifier);
  }

  protected info(by: string): CwInfo {
    const at = psaTime(this.now());
    return { lastUpdated: at, updatedBy: by, dateEntered: at };
  }

  protected touch(ticket: CwTicket, by: string): void {
    ticket._info = { ...ticket._info, lastUpdated: psaTime(this.now()), updatedBy: by };
  }

  /** closedFlag, closedDate and closedBy follow the status' closedStatus flag, as in PSA. */
  protected setStatus(ticket: CwTicket, next: CwStatus, by: string): void {
    ticket.status = { id: next.id, name: next.name, sort: next.sortOrder };
    if (next.closedStatus && !ticket.closedFlag) {
      ticket.closedFlag = true;
      ticket.closedDate = psaTime(this.now());
      ticket.closedBy = by;
    } else if (!next.closedStatus) {
      ticket.closedFlag = false;
      delete ticket.closedDate;
      delete ticket.closedBy;
    }
    this.touch(ticket, by);
  }

  protected createTicket(input: {
    summary: string;
    boardId: number;
    company: CwCompany;
    by: string;
    statusId?: number;
    priority?: CwPriority;
    externalXRef?: string;
  }): number {
    const board = this.statuses.filter((s) => s.board.id === input.boardId);
    const first = board.find((s) => s.id === input.statusId) ?? board.find((s) => s.defaultFlag);
    if (!first) throw new Error(`stand-in: board ${input.boardId} has no default status`);
    const id = this.nextTicketId++;
    this.ticketRows.push({
      id,
      summary: input.summary,
      recordType: 'ServiceTicket',
      board: { ...first.board },
      status: { id: first.id, name: first.name, sort: first.sortOrder },
      company: {
        id: input.company.id,
        identifier: input.company.identifier,
        name: input.company.name,
      },
      priority: input.priority ?? PRIORITIES[2],
      severity: 'Medium',
      impact: 'Medium',
      ...(input.externalXRef !== undefined && { externalXRef: input.externalXRef }),
      closedFlag: false,
      actualHours: 0,
      customFields: [],
      _info: this.info(input.by),
    });
    return id;
  }

  protected addNote(
    ticketId: number,
    fields: Partial<CwNote> & { text: string },
    member: CwMember,
  ): CwNote {
    const internal = fields.internalAnalysisFlag ?? false;
    const note: CwNote = {
      id: this.nextNoteId++,
      ticketId,
      detailDescriptionFlag: false,
      internalAnalysisFlag: false,
      resolutionFlag: false,
      issueFlag: false,
      ...fields,
      internalFlag: internal,
      externalFlag: fields.detailDescriptionFlag ?? false,
      member,
      dateCreated: psaTime(this.now()),
      createdBy: member.identifier,
      _info: { lastUpdated: psaTime(this.now()), updatedBy: member.identifier },
    };
    this.notes.set(ticketId, [...(this.notes.get(ticketId) ?? []), note]);
    return note;
  }

  protected findCompany(key: number | string): CwCompany {
    const company = this.companies.find((c) =>
      typeof key === 'number' ? c.id === key : c.identifier.toLowerCase() === key.toLowerCase(),
    );
    if (!company) throw new Error(`stand-in: no company ${key}`);
    return company;
  }

  protected findTicket(id: number): CwTicket {
    const ticket = this.ticketRows.find((t) => t.id === id);
    if (!ticket) throw new Error(`stand-in: no ticket ${id}`);
    return ticket;
  }

  private company(id: number, identifier: string, name: string, type: string): CwCompany {
    return {
      id,
      identifier,
      name,
      status: { id: 1, name: 'Active' },
      types: [{ id: type === 'Owner' ? 5 : 1, name: type }],
      _info: this.info('admin1'),
    };
  }
}
