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
  ValidateIf,
  validateSync,
} from 'class-validator';
import {
  DEV_IDENTITY_KEYS,
  DEV_IDENTITY_MATCH_KEYS,
  identityKeysProblem,
  identityMatchKeyProblem,
} from 'src/common/crypto/identity-keys';
import {
  DEV_SECOND_FACTOR_KEYS,
  secondFactorKeysProblem,
} from 'src/common/crypto/second-factor-keys';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : value === true || value === 'true' || value === '1';

/**
 * Every environment variable the system reads, with its default. This class is the only place
 * that knows about `process.env`; everything else injects `AppConfig`.
 * Defaults point at the PostgreSQL and Redis already running on the development machines.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/ram_ms';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 20;

  /**
   * Streaming replicas (comma-separated PostgreSQL URLs of hot standbys of DATABASE_URL's server and
   * database); empty: none. Only stale-tolerant reads (reports) go there, never writes, exports or a
   * user's reads within the read-your-writes window (see src/kernel/read-replicas.ts).
   */
  @Matches(/^(postgres(ql)?:\/\/[^,\s]+(,postgres(ql)?:\/\/[^,\s]+)*)?$/, {
    message: 'DATABASE_REPLICA_URLS must be comma-separated postgres:// URLs (or empty)',
  })
  DATABASE_REPLICA_URLS = '';

  /**
   * A replica serves reads only while it has replayed everything the primary had written this
   * long ago (ms); further behind, or down, its reads go to the primary. A user who wrote within
   * REPLICA_MAX_LAG_MS + 3 × REPLICA_CHECK_MS reads from the primary (read-your-writes).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  REPLICA_MAX_LAG_MS = 5000;

  /** How often each process measures every replica's lag (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  REPLICA_CHECK_MS = 1000;

  /**
   * Bearer token Prometheus sends to GET /metrics (at least 32 characters); unset: metrics are off
   * (404).
   */
  @IsOptional()
  @IsString()
  @MinLength(32)
  METRICS_TOKEN?: string;

  /**
   * The worker's own port for Prometheus (GET /metrics, with METRICS_TOKEN) and its liveness
   * (GET /health): the worker has no HTTP API. Unset: the worker listens on no port. The API
   * serves its metrics on PORT.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  /**
   * On SIGTERM the API lets requests in flight finish for at most this long, then cuts them; the
   * worker waits this long for its jobs in flight, then leaves the rest to other workers.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_GRACE_MS = 25_000;

  /** Where `npm run backup` writes its dump and manifest (relative to the working folder). */
  @IsString()
  @MinLength(1)
  BACKUP_DIR = 'backups';

  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * Redis Sentinel: `host:port,host:port` of the Sentinels, with REDIS_SENTINEL_NAME the name of
   * the master they watch. When both are set every Redis connection (Bull, rate limits) asks the
   * Sentinels for the current master and follows a failover; REDIS_URL then gives only the
   * credentials, database number and TLS (its host and port are not used).
   */
  @IsOptional()
  @Matches(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/, {
    message: 'REDIS_SENTINELS must be host:port[,host:port…]',
  })
  REDIS_SENTINELS?: string;

  /** The master name the Sentinels watch (`sentinel monitor <name> …`); needs REDIS_SENTINELS. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  REDIS_SENTINEL_NAME?: string;

  /** Bull key prefix; tests give every file its own. */
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/)
  QUEUE_PREFIX = 'ram-ms';

  /** HMAC secret for access tokens. Required (≥ 32 characters) in production. */
  @IsOptional()
  @IsString()
  @MinLength(32)
  JWT_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86400)
  JWT_TTL_SECONDS = 900;

  /** How long an admin's browser pass to the job-queue dashboard (/admin/queues) lasts. */
  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(720)
  QUEUE_DASHBOARD_PASS_MINUTES = 60;

  @Transform(toInt)
  @IsInt()
  @Min(4)
  @Max(15)
  BCRYPT_ROUNDS = 12;

  /** Sign-in attempts per account (e-mail) per minute, from all addresses together. */
  /** A signed-in session ends after this many minutes without a refresh (the page refreshes while its user is active). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  SESSION_IDLE_MINUTES = 30;

  /** A session ends this many hours after sign-in, however active (sign in again then). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(720)
  SESSION_ABSOLUTE_HOURS = 12;

  /** Days an unsaved form draft is kept on the server (then it is deleted). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  DRAFT_RETENTION_DAYS = 7;

  /** Largest form draft, in bytes of its JSON. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(200_000)
  DRAFT_MAX_BYTES = 65_536;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_RATE_LIMIT_PER_MINUTE = 10;

  /** Sign-in attempts per client address per minute, whatever the e-mail. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE = 10;

  /** Sign-in attempts per minute for the whole system (all addresses, all accounts). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LOGIN_RATE_LIMIT_GLOBAL_PER_MINUTE = 120;

  /** Electronic-signature attempts (password entered again) per user per minute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  SIGNATURE_RATE_LIMIT_PER_MINUTE = 30;

  /** Consecutive wrong signature passwords (within SIGNATURE_FAILURE_WINDOW_MINUTES) that lock signing. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  SIGNATURE_MAX_FAILURES = 5;

  /** How long wrong signature passwords count towards the lock (minutes since the first of them). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_080)
  SIGNATURE_FAILURE_WINDOW_MINUTES = 15;

  /** How long signing stays locked after SIGNATURE_MAX_FAILURES wrong passwords (minutes). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_080)
  SIGNATURE_LOCKOUT_MINUTES = 15;

  /** Password-reset requests per client address per hour. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS_PER_HOUR = 10;

  /** Password-reset requests per account (e-mail) per hour, from all addresses. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT_PER_HOUR = 3;

  /**
   * Rate limits are counted in Redis (REDIS_URL, under QUEUE_PREFIX), shared by every API process.
   * A Redis command that takes longer than this (ms) counts as Redis being unreachable.
   */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(10_000)
  RATE_LIMIT_REDIS_TIMEOUT_MS = 250;

  /**
   * While Redis is unreachable each API process counts in its own memory and allows each limit
   * divided by this (the number of API processes), at least 1: stricter, never absent.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  RATE_LIMIT_FALLBACK_DIVISOR = 2;

  @IsString()
  ADMIN_EMAIL = 'admin@ram-ms.local';

  /** Initial admin password; when absent one is generated and printed once at first start. */
  @IsOptional()
  @IsString()
  @MinLength(12)
  ADMIN_PASSWORD?: string;

  /** How many recent passwords (the current one included) an account may not choose again. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24)
  PASSWORD_HISTORY = 5;

  /** How long a forgotten-password link (single use) stays valid, in minutes. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  PASSWORD_RESET_TTL_MINUTES = 15;

  /**
   * Where people reach this system (scheme, host, port; no trailing slash): the base of links in
   * e-mails, e.g. the forgotten-password link `<APP_PUBLIC_URL>/app/reset-password#token=…`.
   */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  @Matches(/[^/]$/, { message: 'APP_PUBLIC_URL must not end with a slash' })
  APP_PUBLIC_URL = 'http://localhost:3000';

  /** Comma-separated allowed origins for CORS; empty means same-origin only. */
  @IsString()
  CORS_ORIGINS = '';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60000)
  OUTBOX_POLL_MS = 1000;

  /**
   * Worker: how often the outbox reconciliation re-relays sent rows whose Bull job Redis lost (it
   * also runs at start and when Redis reconnects), and re-registers the repeatable sweep.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  OUTBOX_RECONCILE_EVERY_MS = 60_000;

  /** How far back (days since sent) the reconciliation looks at outbox rows. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  OUTBOX_RECONCILE_WINDOW_DAYS = 7;

  /** Outbox rows the reconciliation reads per query (it pages through the whole window). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(10_000)
  OUTBOX_RECONCILE_BATCH = 500;

  /**
   * Identity-vault keys (AES-256-GCM): comma-separated `keyId:base64(32 bytes)`, the first is
   * current, the rest decrypt older records. Required in production; a public dev key otherwise.
   */
  @IsOptional()
  @IsString()
  IDENTITY_KEYS?: string;

  /**
   * Key of the identity match hashes (HMAC-SHA-256; duplicate warnings across sites): one
   * `keyId:base64(32 bytes)`. Required in production; a public dev key otherwise. Changing it
   * rewrites the hashes at the next start (the API backfills them from the vault).
   */
  @IsOptional()
  @IsString()
  IDENTITY_MATCH_KEY?: string;

  /**
   * Keys of the users' TOTP secrets (AES-256-GCM), in the format of IDENTITY_KEYS: comma-separated
   * `keyId:base64(32 bytes)`, the first current. Required in production; a public dev key otherwise.
   */
  @IsOptional()
  @IsString()
  SECOND_FACTOR_KEYS?: string;

  /** The issuer an authenticator app shows next to the account (the otpauth:// URL's issuer). */
  @Matches(/^[A-Za-z0-9 ._-]{1,40}$/)
  SECOND_FACTOR_ISSUER = 'RAM-MS';

  /** How long the sign-in's second step may take after the password was accepted (seconds). */
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(1800)
  SECOND_FACTOR_CHALLENGE_TTL_SECONDS = 300;

  /** TOTP steps (30 s) accepted either side of now, for clock drift between phone and server. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(2)
  SECOND_FACTOR_WINDOW = 1;

  /** Wrong codes in a row at sign-in after which the account's second step pauses (from any address). */
  @Transform(toInt)
  @IsInt()
  @Min(3)
  @Max(100)
  SECOND_FACTOR_MAX_FAILURES = 5;

  /** How long that pause lasts (minutes after the last wrong code). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  SECOND_FACTOR_LOCK_MINUTES = 15;

  /** SMTP server for e-mail notifications (smtp[s]://[user:pass@]host:port); empty = in-app inbox only. */
  @ValidateIf((o: EnvironmentVariables) => o.SMTP_URL !== '')
  @IsUrl({ protocols: ['smtp', 'smtps'], require_tld: false, require_protocol: true })
  SMTP_URL = '';

  @IsString()
  @MinLength(3)
  SMTP_FROM = 'RAM-MS trial <no-reply@ram-ms.local>';

  /** Follow-up sweep schedule: a cron pattern (UTC), or empty to run every FOLLOW_UP_SWEEP_EVERY_MS. */
  @IsString()
  FOLLOW_UP_SWEEP_CRON = '';

  @Transform(toInt)
  @IsInt()
  @Min(60_000)
  @Max(86_400_000)
  FOLLOW_UP_SWEEP_EVERY_MS = 3_600_000;

  /** Register the repeatable sweep in the worker: auto = yes, except when NODE_ENV is test. */
  @IsIn(['auto', 'true', 'false'])
  FOLLOW_UP_SWEEP: 'auto' | 'true' | 'false' = 'auto';

  /** Longest wait for a row or table lock in a write transaction (lock_timeout); then 503 DATABASE_BUSY. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600_000)
  DB_LOCK_TIMEOUT_MS = 5000;

  /** Longest run of one statement in a write transaction (statement_timeout); then 503 DATABASE_BUSY. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  DB_STATEMENT_TIMEOUT_MS = 15000;

  /**
   * Longest run of one statement in an export's snapshot transaction (statement_timeout): an
   * export reads the whole trial in pages inside one REPEATABLE READ transaction on the primary.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  EXPORT_STATEMENT_TIMEOUT_MS = 600_000;

  /** A data query open longer than this many days counts as overdue on the ageing report. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  QUERY_AGEING_DAYS = 14;

  /**
   * Whether a data cut needs source-data verification done (every record it contains verified at
   * its current version) before the monitor may confirm it; false for risk-based monitoring.
   */
  @Transform(toBool)
  @IsBoolean()
  DATA_CUT_REQUIRES_SDV = true;

  /** The folder of the export file store (one sub-folder per export); relative to the working directory. */
  @IsString()
  @MinLength(1)
  EXPORT_DIR = './var/exports';

  /**
   * Single sign-on through OpenID Connect (a hospital's identity provider): the issuer URL, whose
   * discovery document is read at first use. Empty: single sign-on is off.
   */
  @ValidateIf((o: EnvironmentVariables) => o.OIDC_ISSUER_URL !== '')
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  OIDC_ISSUER_URL = '';

  /** The client id registered at the provider (required with OIDC_ISSUER_URL). */
  @IsString()
  OIDC_CLIENT_ID = '';

  /** The client secret (client_secret_basic); empty for a public client (PKCE only). */
  @IsString()
  OIDC_CLIENT_SECRET = '';

  /**
   * Where the provider sends the browser back: the web application's `/app/sso/callback` on the
   * public address, e.g. https://trial.example.org/app/sso/callback (required with OIDC_ISSUER_URL).
   */
  @ValidateIf((o: EnvironmentVariables) => o.OIDC_REDIRECT_URL !== '')
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  OIDC_REDIRECT_URL = '';

  /** Scopes asked for, space-separated; must include openid. */
  @Matches(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/)
  OIDC_SCOPES = 'openid email profile';

  /** Refuse a provider identity whose e-mail is not marked verified (email_verified). */
  @Transform(toBool)
  @IsBoolean()
  OIDC_REQUIRE_EMAIL_VERIFIED = true;

  /**
   * An electronic signature after re-authentication at the provider: the sign-in there
   * (auth_time) must be at most this old when the ID token is checked.
   */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3600)
  OIDC_REAUTH_MAX_AGE_SECONDS = 120;

  /** How long a started sign-in at the provider may take before its state expires. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(3600)
  OIDC_STATE_TTL_SECONDS = 600;

  /** Timeout of each request to the provider (discovery, token, userinfo, keys). */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(60_000)
  OIDC_HTTP_TIMEOUT_MS = 5000;

  /** How long the proof of a fresh re-authentication may be presented with a signature (once). */
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(1800)
  SIGNING_ASSERTION_TTL_SECONDS = 300;

  /** Run migrations and the seed at start (under an advisory lock). */
  @Transform(toBool)
  @IsBoolean()
  MIGRATE_ON_START = true;
}

export type AppConfig = Readonly<
  EnvironmentVariables & {
    JWT_SECRET: string;
    IDENTITY_KEYS: string;
    IDENTITY_MATCH_KEY: string;
    SECOND_FACTOR_KEYS: string;
  }
>;
/** DI token for the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** The public development JWT secret (used when JWT_SECRET is unset outside production). */
export const DEV_JWT_SECRET = 'development-only-secret-change-me-in-production-0000';

/** Validates the environment once. Throws an error naming every missing or malformed variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const input: Record<string, string> = {};
  for (const key of [
    ...known,
    'JWT_SECRET',
    'ADMIN_PASSWORD',
    'IDENTITY_KEYS',
    'IDENTITY_MATCH_KEY',
    'SECOND_FACTOR_KEYS',
  ]) {
    const value = env[key];
    if (value !== undefined && value !== '') {
      input[key] = value;
    }
  }
  const config = plainToInstance(EnvironmentVariables, input);
  const errors = validateSync(config, { skipMissingProperties: false });
  const problems = errors.map(
    (e) =>
      `${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET) {
    problems.push('JWT_SECRET: required in production (at least 32 characters)');
  }
  if (config.NODE_ENV === 'production' && config.JWT_SECRET === DEV_JWT_SECRET) {
    problems.push('JWT_SECRET: is the public development secret; use a secret value in production');
  }
  if (Boolean(config.REDIS_SENTINELS) !== Boolean(config.REDIS_SENTINEL_NAME)) {
    problems.push('REDIS_SENTINELS and REDIS_SENTINEL_NAME: set both (Sentinel) or neither');
  }
  const identityKeys = identityKeysProblem(config.IDENTITY_KEYS, config.NODE_ENV);
  if (identityKeys) {
    problems.push(identityKeys);
  }
  const matchKey = identityMatchKeyProblem(config.IDENTITY_MATCH_KEY, config.NODE_ENV);
  if (matchKey) {
    problems.push(matchKey);
  }
  const secondFactorKeys = secondFactorKeysProblem(config.SECOND_FACTOR_KEYS, config.NODE_ENV);
  if (secondFactorKeys) {
    problems.push(secondFactorKeys);
  }
  problems.push(...oidcProblems(config));
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze({
    ...config,
    JWT_SECRET: config.JWT_SECRET ?? DEV_JWT_SECRET,
    IDENTITY_KEYS: config.IDENTITY_KEYS ?? DEV_IDENTITY_KEYS,
    IDENTITY_MATCH_KEY: config.IDENTITY_MATCH_KEY ?? DEV_IDENTITY_MATCH_KEYS,
    SECOND_FACTOR_KEYS: config.SECOND_FACTOR_KEYS ?? DEV_SECOND_FACTOR_KEYS,
  });
}

/** Single sign-on needs its client and redirect; in production the provider is spoken to over https. */
function oidcProblems(config: EnvironmentVariables): string[] {
  if (config.OIDC_ISSUER_URL === '') {
    return [];
  }
  const problems: string[] = [];
  if (config.OIDC_CLIENT_ID === '') {
    problems.push('OIDC_CLIENT_ID: required when OIDC_ISSUER_URL is set');
  }
  if (config.OIDC_REDIRECT_URL === '') {
    problems.push('OIDC_REDIRECT_URL: required when OIDC_ISSUER_URL is set');
  }
  if (!config.OIDC_SCOPES.split(' ').includes('openid')) {
    problems.push('OIDC_SCOPES: must include openid');
  }
  if (config.NODE_ENV === 'production') {
    for (const key of ['OIDC_ISSUER_URL', 'OIDC_REDIRECT_URL'] as const) {
      if (config[key] !== '' && !config[key].startsWith('https://')) {
        problems.push(`${key}: must be an https URL in production`);
      }
    }
  }
  return problems;
}

/**
 * Warnings for a development start that uses a publicly known secret or key (JWT_SECRET,
 * IDENTITY_KEYS, IDENTITY_MATCH_KEY unset or equal to the development value). Names the variable,
 * never the value. Production refuses these (loadConfig); tests are silent.
 */
export function developmentSecretWarnings(config: AppConfig): string[] {
  if (config.NODE_ENV !== 'development') {
    return [];
  }
  const warnings: string[] = [];
  if (config.JWT_SECRET === DEV_JWT_SECRET) {
    warnings.push('JWT_SECRET is the public development secret: never use it in production');
  }
  if (config.IDENTITY_KEYS === DEV_IDENTITY_KEYS) {
    warnings.push('IDENTITY_KEYS is the public development key: never use it in production');
  }
  if (config.IDENTITY_MATCH_KEY === DEV_IDENTITY_MATCH_KEYS) {
    warnings.push('IDENTITY_MATCH_KEY is the public development key: never use it in production');
  }
  if (config.SECOND_FACTOR_KEYS === DEV_SECOND_FACTOR_KEYS) {
    warnings.push('SECOND_FACTOR_KEYS is the public development key: never use it in production');
  }
  return warnings;
}
