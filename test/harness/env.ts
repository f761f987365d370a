import { loadConfig, AppConfig } from 'src/config/app-config';

/** One template per test run (set by global-setup, inherited by the workers), so runs never collide. */
export function templateDb(): string {
  return process.env.RT_TEMPLATE_DB ?? 'ram_ms_test_template';
}

/** The PostgreSQL server tests use (TEST_DATABASE_URL, default: the one on this machine). */
export function serverUrl(database: string): string {
  const url = new URL(
    process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  url.pathname = `/${database}`;
  return url.toString();
}

/** Configuration for a test app on its own database and Bull prefix. */
export function testConfig(database: string, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: serverUrl(database),
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `test:${database}`,
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    OUTBOX_POLL_MS: '100',
    MIGRATE_ON_START: 'false',
    // Every test signs in from 127.0.0.1 and signs many assessments a minute: the per-address and
    // global sign-in limits and the signature rate limit are tested by their own spec
    // (rate-limits.e2e-spec.ts); elsewhere only the per-account sign-in limit and the signature
    // lockout apply.
    LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
    LOGIN_RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
    SIGNATURE_RATE_LIMIT_PER_MINUTE: '1000',
    ...overrides,
  });
}
