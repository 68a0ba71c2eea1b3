import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { statSync } from 'node:fs';

/** Digits only: `abc`, `3.5` or `0x10` stay text and fail the integer check by name. */
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : /^-?\d+$/.test(String(value).trim())
      ? Number(value)
      : value;
/** `true` or `false` only: a typo such as `maybe` must not quietly switch processing off. */
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : value === 'true'
      ? true
      : value === 'false'
        ? false
        : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

function isDirectory(path: unknown): boolean {
  try {
    return typeof path === 'string' && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const IsExistingDirectory = () =>
  ValidateBy({
    name: 'isExistingDirectory',
    validator: {
      validate: isDirectory,
      defaultMessage: (a) => `${a?.property} must be an existing directory`,
    },
  });

/** The one message shown for a bad variable: its type first, then its bounds. */
const CONSTRAINT_ORDER = ['isBoolean', 'isInt', 'isIn', 'matches', 'isUrl', 'isString'];

function firstProblem(e: ValidationError): string {
  const entries = Object.entries(e.constraints ?? {});
  entries.sort(
    ([a], [b]) => (CONSTRAINT_ORDER.indexOf(a) + 1 || 99) - (CONSTRAINT_ORDER.indexOf(b) + 1 || 99),
  );
  const message = entries[0]?.[1] ?? 'is not valid';
  return message.startsWith(e.property) ? message : `${e.property}: ${message}`;
}

/** Every environment variable Switchboard reads. Validated once at boot. */
export class Env {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 20;

  /** PostgreSQL only: a statement (and the wait for its answer) longer than this fails. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600000)
  DATABASE_STATEMENT_TIMEOUT_MS = 30000;

  /**
   * Keep parameterized statements prepared on each connection. Off only behind a pooler that
   * cannot carry them (PgBouncer in transaction mode before 1.21).
   */
  @Transform(toBool)
  @IsBoolean({ message: 'DATABASE_PREPARED_STATEMENTS must be true or false' })
  DATABASE_PREPARED_STATEMENTS = true;

  @IsString()
  SWITCHBOARD_DATA_DIR = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
    message: 'SWITCHBOARD_SECRET_KEY must be 32 bytes as 64 hex characters or base64',
  })
  SWITCHBOARD_SECRET_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(24, { message: 'SWITCHBOARD_BOOTSTRAP_TOKEN must be at least 24 characters' })
  SWITCHBOARD_BOOTSTRAP_TOKEN?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true },
    { message: 'SWITCHBOARD_PUBLIC_URL must be an http(s) URL' },
  )
  SWITCHBOARD_PUBLIC_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @IsExistingDirectory()
  SWITCHBOARD_TEMPLATES_DIR?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toBool)
  @IsBoolean({ message: 'SWITCHBOARD_WORKERS must be true or false' })
  SWITCHBOARD_WORKERS = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  OUTBOX_MAX_ATTEMPTS = 8;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  OUTBOX_BASE_DELAY_MS = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  OUTBOX_MAX_DELAY_MS = 15 * 60 * 1000;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60000)
  WORKER_TICK_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  OUTBOX_LEASE_SECONDS = 120;

  /** Deliveries one replica runs at once: a storm's tickets wait on the vendor's latency. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  OUTBOX_PARALLEL = 16;

  /** Failed vendor calls in a row (no answer, 5xx, 401) that pause a connector instance. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  CIRCUIT_FAILURE_THRESHOLD = 10;

  /** How long a paused instance waits before its calls go again. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  CIRCUIT_OPEN_SECONDS = 60;

  /** A rollback whose script reports no result within this many minutes fails. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  ROLLBACK_TIMEOUT_MINUTES = 30;

  /** After the script, how long the failed services get to come back (a reboot included). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  ROLLBACK_VERIFY_MINUTES = 20;

  /** How often a running rollback asks the RMM for its result. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  ROLLBACK_POLL_SECONDS = 30;
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    // One line per bad variable, each naming it.
    super(problems.map((p) => `Invalid configuration: ${p}`).join('\n'));
    this.name = 'EnvError';
  }
}

/** Validates the environment; the error names every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const known = Object.keys(new Env());
  const picked: Record<string, string> = {};
  for (const key of [
    ...known,
    'DATABASE_URL',
    'SWITCHBOARD_SECRET_KEY',
    'SWITCHBOARD_BOOTSTRAP_TOKEN',
    'SWITCHBOARD_PUBLIC_URL',
    'SWITCHBOARD_TEMPLATES_DIR',
  ]) {
    const v = source[key];
    if (v !== undefined) picked[key] = v;
  }
  const env = plainToInstance(Env, picked, { exposeDefaultValues: true });
  const errors = validateSync(env, { validationError: { target: false, value: false } });
  if (errors.length > 0) {
    throw new EnvError(errors.map(firstProblem));
  }
  return env;
}
