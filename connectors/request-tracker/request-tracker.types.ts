/** Raw RT 5.0.3 REST 2.0 shapes, as the server sends them (README: "Shapes"). */

/** A reference to another record: `{type, id, _url}`; ids are strings ("Nobody", "3"). */
export interface RtRef {
  type: string;
  id: string | number;
  _url?: string;
}

/** One custom field value set, as serialised on a ticket: an array of these, not a map. */
export interface RtCustomFieldValues {
  id: string;
  type: 'customfield';
  name: string;
  values: string[];
  _url?: string;
}

/**
 * A ticket as `GET /tickets?fields=…` or `GET /ticket/{id}` returns it. The search returns
 * `id` as a string, the record as a number; both carry only the fields asked for.
 */
export interface RtTicket {
  id: string | number;
  Subject: string;
  Status: string;
  Queue?: RtRef;
  Owner?: RtRef;
  LastUpdatedBy?: RtRef;
  Requestor?: RtRef[];
  Created?: string;
  LastUpdated?: string;
  Resolved?: string;
  CustomFields?: RtCustomFieldValues[];
}

/** A collection page (`GET /tickets`, `GET /ticket/{id}/history`). */
export interface RtCollection<T> {
  count: number;
  total?: number;
  page: number;
  pages?: number;
  per_page: number;
  next_page?: string;
  items: T[];
}

/** A history entry; `Data` holds a comment's or reply's subject. */
export interface RtTransaction {
  id: string | number;
  type: 'transaction';
  Type?: string;
  Data?: string;
}

/** `POST /ticket` answers `{type, id, _url}` with the id as a string. */
export interface RtCreated {
  type: string;
  id: string | number;
  _url?: string;
}

/** A queue (`GET /queue/{name}`): TicketCustomFields lists the ticket CFs applied to it. */
export interface RtQueue {
  id: number | string;
  Name: string;
  Lifecycle?: string;
  Disabled?: string | number;
  TicketCustomFields?: { id: string; name: string }[];
}

export interface RtTicketCreate {
  Queue: string;
  Subject: string;
  Content: string;
  ContentType: 'text/plain';
  Priority: number;
  CustomFields?: Record<string, string>;
}

/** Body of `POST /ticket/{id}/comment`; Status changes the status in the same transaction. */
export interface RtComment {
  Subject: string;
  Content: string;
  ContentType: 'text/plain';
  Status?: string;
}

/** What a pulled ticket is stored as in the inbox. */
export interface RtTicketRecord {
  ticket: RtTicket;
  /** settings.clientName when the ticket was read. */
  client?: string;
  /** settings.keyField when the ticket was read. */
  keyField?: string;
  /** settings.resolvedStatus, when not RT's default `resolved` (a lifecycle of its own). */
  resolvedStatus?: string;
}
