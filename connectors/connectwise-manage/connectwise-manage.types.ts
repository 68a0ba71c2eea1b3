/**
 * Raw ConnectWise PSA (Manage) REST 3.0 shapes, model version 2025.1, as far as Switchboard
 * reads or writes them. Field names are the vendor's; everything not listed is ignored.
 */

/** `_info` metadata map: lastUpdated, updatedBy, dateEntered and *_href links. */
export type ManageInfo = Partial<Record<string, string>>;

export interface ManageReference {
  id: number;
  name?: string;
  identifier?: string;
  _info?: ManageInfo;
}

export interface ManageCompany {
  id: number;
  identifier: string;
  name: string;
  status?: ManageReference;
  _info?: ManageInfo;
}

export interface ManageConfiguration {
  id: number;
  name: string;
  type?: ManageReference;
  status?: ManageReference;
  company?: ManageReference;
  deviceIdentifier?: string;
  serialNumber?: string;
  ipAddress?: string;
  macAddress?: string;
  osType?: string;
  osInfo?: string;
  activeFlag?: boolean;
  _info?: ManageInfo;
}

/** Item of GET /service/tickets/{parentId}/configurations. */
export interface ManageConfigurationReference {
  id: number;
  deviceIdentifier?: string;
  _info?: ManageInfo;
}

export interface ManageTicket {
  id: number;
  summary: string;
  recordType?: string;
  board?: ManageReference;
  status?: ManageReference;
  company?: ManageReference;
  priority?: ManageReference;
  owner?: ManageReference;
  externalXRef?: string;
  closedFlag?: boolean;
  closedDate?: string;
  closedBy?: string;
  actualHours?: number | null;
  _info?: ManageInfo;
}

/** POST /service/tickets body: only what Switchboard means to set (the server defaults the rest). */
export interface ManageTicketCreate {
  summary: string;
  recordType: 'ServiceTicket';
  board: { id: number };
  status?: { id: number };
  company: { id: number };
  priority?: { id: number };
  externalXRef?: string;
  initialDescription: string;
  processNotifications: boolean;
}

/** ServiceNote, request and response of /service/tickets/{parentId}/notes. */
export interface ManageNote {
  id?: number;
  ticketId?: number;
  text: string;
  detailDescriptionFlag: boolean;
  internalAnalysisFlag: boolean;
  resolutionFlag: boolean;
  processNotifications?: boolean;
  dateCreated?: string;
  createdBy?: string;
  _info?: ManageInfo;
}

export interface ManageBoardStatus {
  id: number;
  name: string;
  board?: ManageReference;
  inactive?: boolean;
  closedStatus?: boolean;
  defaultFlag?: boolean;
  sortOrder?: number;
}

/** One element of a PATCH body (the body is an array of these). */
export interface ManagePatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** What PSA POSTs to a callback URL; `Entity` is the record serialised as a JSON string. */
export interface ManageCallback {
  ID: number;
  Action: string;
  Type: string;
  Entity?: string | null;
  MessageId?: string;
  Metadata?: { key_url?: string };
}

/** Error body (ErrorResponseMessage); the 429 body uses `error` instead of `code`. */
export interface ManageErrorResponse {
  code?: string;
  error?: string;
  message?: string;
  errors?: { code?: string; message?: string; resource?: string; field?: string }[] | null;
}

/** The raw record Switchboard stores for a ticket: the ticket plus its attached configurations. */
export interface ManageTicketRecord {
  ticket: ManageTicket;
  /** Absent when the ticket came from a callback (no I/O there). */
  configurations?: ManageConfigurationReference[];
}
