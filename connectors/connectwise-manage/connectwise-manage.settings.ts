import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Describe, Secret } from '../contract/settings';

export const NOTE_TYPES = ['internal', 'discussion'] as const;
export type NoteType = (typeof NOTE_TYPES)[number];

export class ConnectWiseManageSettings {
  @Describe(
    'PSA host, e.g. api-na.myconnectwise.net or psa.example.com. Cloud hosts given without the ' +
      '"api-" prefix (na.myconnectwise.net) are rewritten to it. HTTPS is always used.',
  )
  @IsString()
  @Matches(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/, {
    message: 'site must be a host name (optionally with :port), without scheme or path',
  })
  site!: string;

  @Describe(
    'Codebase path segment before apis/3.0 (from /login/companyinfo/{companyId}); ' +
      'v4_6_release/ works on cloud and on-premise.',
  )
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]+\/?$/, { message: 'codebase must look like v4_6_release/' })
  codebase: string = 'v4_6_release/';

  @Describe('The company id you log in with (first part of the API user name).')
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  companyId!: string;

  @Describe('Public key of the API member.')
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  publicKey!: string;

  @Describe('Private key of the API member.')
  @Secret()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  privateKey!: string;

  @Describe(
    'Integration clientId (GUID from developer.connectwise.com/ClientID), sent on every call.',
  )
  @Secret()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  clientId!: string;

  @Describe('Model version pinned in the Accept header.')
  @IsString()
  @Matches(/^\d{4}\.\d{1,2}$/, { message: 'apiVersion must look like 2025.1' })
  apiVersion: string = '2025.1';

  @Describe('Service board id on which Switchboard opens tickets.')
  @IsInt()
  @Min(1)
  boardId!: number;

  @Describe(
    'Status name given to new tickets. When empty the board decides (its default status). ' +
      'A ticket that left this status counts as worked by a technician.',
  )
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  newStatusName?: string;

  @Describe(
    'Closed status (board status with closedStatus=true) used by closeTicket, e.g. >Closed.',
  )
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  closedStatusName!: string;

  @Describe('internal: notes go to Internal Analysis; discussion: customer-visible Discussion.')
  @IsIn(NOTE_TYPES)
  noteType: NoteType = 'internal';

  @Describe('Close tickets a technician already worked on; when false they only get the note.')
  @IsBoolean()
  closeWorkedTickets: boolean = false;

  @Describe('Company identifier used when the incident has no client or no matching company.')
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(30)
  defaultCompanyIdentifier?: string;

  @Describe('Priority id (GET /service/priorities) for low incidents; empty leaves the default.')
  @IsOptional()
  @IsInt()
  @Min(1)
  priorityLowId?: number;

  @Describe('Priority id for medium incidents.')
  @IsOptional()
  @IsInt()
  @Min(1)
  priorityMediumId?: number;

  @Describe('Priority id for high incidents.')
  @IsOptional()
  @IsInt()
  @Min(1)
  priorityHighId?: number;

  @Describe('Priority id for critical incidents.')
  @IsOptional()
  @IsInt()
  @Min(1)
  priorityCriticalId?: number;

  @Describe('Only configurations of these type ids are pulled as devices; empty pulls all.')
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsInt({ each: true })
  @Min(1, { each: true })
  configurationTypeIds?: number[];

  @Describe('On the first ticket sync, closed tickets updated within this many days are pulled.')
  @IsInt()
  @Min(0)
  @Max(90)
  closedTicketLookbackDays: number = 7;

  @Describe('Records per page (the API allows at most 1000).')
  @IsInt()
  @Min(1)
  @Max(1000)
  pageSize: number = 1000;
}
