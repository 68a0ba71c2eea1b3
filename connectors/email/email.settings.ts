import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { Describe, Secret } from '../contract/settings';
import { PAGING_SEVERITIES, type PagingSeverity } from '../shared/notify';

/** A host name or an IPv4/IPv6 address; nothing that could carry a scheme, path or credentials. */
const HOST = /^([A-Za-z0-9-]+\.)*[A-Za-z0-9-]+$|^[0-9A-Fa-f:.]+$/;

export class EmailSettings {
  @Describe('SMTP relay host name or address (e.g. smtp.office365.com, mail.msp.example).')
  @IsString()
  @MaxLength(253)
  @Matches(HOST, { message: 'host must be a host name or an IP address' })
  host!: string;

  @Describe('SMTP port: 587 (submission, STARTTLS), 465 (implicit TLS, set secure) or 25.')
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 587;

  @Describe(
    'Implicit TLS from the first byte (port 465). When false, the connection is upgraded with STARTTLS whenever the relay offers it.',
  )
  @IsBoolean()
  secure = false;

  @Describe('SMTP user name; leave out for a relay that accepts mail without authentication.')
  @ValidateIf((s: EmailSettings) => s.username !== undefined || s.password !== undefined)
  @IsString({ message: 'username is required with a password' })
  @IsNotEmpty()
  @MaxLength(255)
  username?: string;

  @Describe('Password of the SMTP user (required with a user name).')
  @Secret()
  @ValidateIf((s: EmailSettings) => s.username !== undefined || s.password !== undefined)
  @IsString({ message: 'password is required with a username' })
  @IsNotEmpty()
  @MaxLength(1000)
  password?: string;

  @Describe(
    'Sender: an address, optionally with a display name ("Switchboard <alerts@msp.example>").',
  )
  @IsEmail({ allow_display_name: true }, { message: 'from must be an e-mail address' })
  from!: string;

  @Describe('Recipients: one or more e-mail addresses (an on-call mailbox, a distribution list).')
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'to must list e-mail addresses' })
  to!: string[];

  @Describe(
    'Least severe message that is mailed: critical, error, warning or info. Below it nothing is sent (nor its follow-ups).',
  )
  @IsIn(PAGING_SEVERITIES)
  minSeverity: PagingSeverity = 'warning';

  @Describe(
    "Verify the relay's TLS certificate. Turn off only for a relay with a self-signed certificate on a network you trust.",
  )
  @IsBoolean()
  rejectUnauthorized = true;
}
