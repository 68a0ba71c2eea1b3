import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { Describe, Secret } from '../contract/settings';

/** Names that go into TicketSQL between quotes or braces: no quotes, braces or backslashes. */
const PLAIN_NAME = /^[^'"{}\\\n\r]+$/;

@ValidatorConstraint({ name: 'timeZone' })
class IsTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || !value) return false;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'timezone must be an IANA time zone such as UTC or Europe/Berlin';
  }
}

export class RequestTrackerSettings {
  @Describe(
    'RT web address including its WebPath, e.g. https://rt.example.com or ' +
      'https://helpdesk.example.com/rt. REST 2.0 is reached under <url>/REST/2.0.',
  )
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  url!: string;

  @Describe(
    'RT auth token (Logged in as … → Settings → Auth Tokens), sent as "Authorization: token …".',
  )
  @Secret()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token!: string;

  @Describe('Queue (name) in which Switchboard opens one ticket per incident.')
  @IsString()
  @Matches(PLAIN_NAME, { message: 'queue must not contain quotes, braces or backslashes' })
  @MaxLength(200)
  queue!: string;

  @Describe(
    'Ticket custom field (name) that holds the incident key; it must apply to the queue. When ' +
      'empty, the key is found by the subject marker alone.',
  )
  @IsOptional()
  @IsString()
  @Matches(PLAIN_NAME, { message: 'keyField must not contain quotes, braces or backslashes' })
  @MaxLength(200)
  keyField?: string;

  @Describe(
    'Queues whose tickets are read (user tickets, technician resolves). Empty: the incident queue.',
  )
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(PLAIN_NAME, {
    each: true,
    message: 'readQueues must not contain quotes, braces or backslashes',
  })
  readQueues?: string[];

  @Describe(
    'The client (as named in the other tools) the tickets read from RT belong to. Needed for a ' +
      'user ticket to be linked by the device name in its subject; RT itself has no client.',
  )
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  clientName?: string;

  @Describe(
    "Time zone RT reads TicketSQL dates in: the API user's Timezone preference, else the " +
      "server's $Timezone.",
  )
  @Validate(IsTimeZone)
  timezone: string = 'UTC';

  @Describe('Status closeTicket sets (an inactive status of the queue lifecycle).')
  @IsString()
  @Matches(/^[\w -]{1,64}$/, { message: 'resolvedStatus must be a status name' })
  resolvedStatus: string = 'resolved';

  @Describe('Status reopenTicket sets on a resolved ticket (an active status of the lifecycle).')
  @IsString()
  @Matches(/^[\w -]{1,64}$/, { message: 'reopenStatus must be a status name' })
  reopenStatus: string = 'open';

  @Describe(
    'Resolve tickets a technician owns; when false (default) an owned ticket only gets the note.',
  )
  @IsBoolean()
  closeOwnedTickets: boolean = false;

  @Describe('On the first ticket sync, inactive tickets updated within this many days are read.')
  @IsInt()
  @Min(0)
  @Max(90)
  closedTicketLookbackDays: number = 7;

  @Describe('Tickets per page (REST 2.0 allows at most 100).')
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize: number = 100;
}
