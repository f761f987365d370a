import { randomBytes } from 'node:crypto';
import { DEV_IDENTITY_KEYS, DEV_IDENTITY_MATCH_KEYS } from 'src/common/crypto/identity-keys';
import { DEV_SECOND_FACTOR_KEYS } from 'src/common/crypto/second-factor-keys';
import { DEV_JWT_SECRET, developmentSecretWarnings, loadConfig } from './app-config';

const key = () => randomBytes(32).toString('base64');

describe('secrets at boot', () => {
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: 's'.repeat(40),
    IDENTITY_KEYS: `k1:${key()}`,
    IDENTITY_MATCH_KEY: `m1:${key()}`,
    SECOND_FACTOR_KEYS: `t1:${key()}`,
  };

  it('starts in production with secret values', () => {
    expect(loadConfig(production).JWT_SECRET).toBe('s'.repeat(40));
  });

  it('refuses a production start with the development JWT secret or identity keys', () => {
    expect(() => loadConfig({ ...production, JWT_SECRET: DEV_JWT_SECRET })).toThrow(
      /JWT_SECRET: is the public development secret/,
    );
    expect(() => loadConfig({ ...production, JWT_SECRET: undefined })).toThrow(
      /JWT_SECRET: required in production/,
    );
    expect(() => loadConfig({ ...production, IDENTITY_KEYS: DEV_IDENTITY_KEYS })).toThrow(
      /IDENTITY_KEYS: .*public development key/,
    );
    expect(() =>
      loadConfig({ ...production, IDENTITY_MATCH_KEY: DEV_IDENTITY_MATCH_KEYS }),
    ).toThrow(/IDENTITY_MATCH_KEY: .*development key/);
  });

  it('refuses a production start without second-factor keys, or with the development key', () => {
    expect(() => loadConfig({ ...production, SECOND_FACTOR_KEYS: undefined })).toThrow(
      /SECOND_FACTOR_KEYS: required in production/,
    );
    expect(() => loadConfig({ ...production, SECOND_FACTOR_KEYS: DEV_SECOND_FACTOR_KEYS })).toThrow(
      /SECOND_FACTOR_KEYS: .*public development key/,
    );
    expect(() => loadConfig({ ...production, SECOND_FACTOR_KEYS: 't1:short' })).toThrow(
      /SECOND_FACTOR_KEYS: entry 1/,
    );
    expect(loadConfig({ NODE_ENV: 'test' }).SECOND_FACTOR_KEYS).toBe(DEV_SECOND_FACTOR_KEYS);
  });

  it('never names the secret value in the refusal', () => {
    try {
      loadConfig({ ...production, JWT_SECRET: DEV_JWT_SECRET });
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as Error).message).not.toContain(DEV_JWT_SECRET);
    }
  });

  it('warns in development when the development secrets are in use, naming the variables only', () => {
    const warnings = developmentSecretWarnings(loadConfig({ NODE_ENV: 'development' }));
    expect(warnings).toEqual([
      expect.stringMatching(/^JWT_SECRET /),
      expect.stringMatching(/^IDENTITY_KEYS /),
      expect.stringMatching(/^IDENTITY_MATCH_KEY /),
      expect.stringMatching(/^SECOND_FACTOR_KEYS /),
    ]);
    const text = warnings.join('\n');
    for (const secret of [
      DEV_JWT_SECRET,
      DEV_IDENTITY_KEYS,
      DEV_IDENTITY_MATCH_KEYS,
      DEV_SECOND_FACTOR_KEYS,
    ]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.split(':').pop());
    }
    expect(
      developmentSecretWarnings(
        loadConfig({ ...production, NODE_ENV: 'development', JWT_SECRET: 'x'.repeat(40) }),
      ),
    ).toEqual([]);
    expect(developmentSecretWarnings(loadConfig({ NODE_ENV: 'test' }))).toEqual([]);
  });
});

describe('single sign-on configuration', () => {
  const sso = {
    NODE_ENV: 'test',
    OIDC_ISSUER_URL: 'https://login.hospital.example/realms/staff',
    OIDC_CLIENT_ID: 'ram-ms',
    OIDC_REDIRECT_URL: 'https://trial.example.org/app/sso/callback',
  };

  it('is off without an issuer, and on with issuer, client and redirect', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).OIDC_ISSUER_URL).toBe('');
    const on = loadConfig(sso);
    expect(on.OIDC_SCOPES).toBe('openid email profile');
    expect(on.OIDC_REQUIRE_EMAIL_VERIFIED).toBe(true);
  });

  it('names what is missing or wrong', () => {
    expect(() => loadConfig({ ...sso, OIDC_CLIENT_ID: '' })).toThrow(/OIDC_CLIENT_ID: required/);
    expect(() => loadConfig({ ...sso, OIDC_REDIRECT_URL: '' })).toThrow(
      /OIDC_REDIRECT_URL: required/,
    );
    expect(() => loadConfig({ ...sso, OIDC_SCOPES: 'email profile' })).toThrow(
      /OIDC_SCOPES: must include openid/,
    );
    expect(() => loadConfig({ ...sso, OIDC_ISSUER_URL: 'not a url' })).toThrow(/OIDC_ISSUER_URL/);
    expect(() =>
      loadConfig({
        ...sso,
        NODE_ENV: 'production',
        JWT_SECRET: 's'.repeat(40),
        IDENTITY_KEYS: `k1:${key()}`,
        IDENTITY_MATCH_KEY: `m1:${key()}`,
        OIDC_ISSUER_URL: 'http://login.hospital.example',
      }),
    ).toThrow(/OIDC_ISSUER_URL: must be an https URL in production/);
  });
});

describe('streaming replicas', () => {
  it('takes comma-separated postgres URLs, or none', () => {
    expect(loadConfig({}).DATABASE_REPLICA_URLS).toBe('');
    const two = 'postgres://app@replica-1:5432/ram_ms,postgresql://app@replica-2/ram_ms';
    expect(loadConfig({ DATABASE_REPLICA_URLS: two }).DATABASE_REPLICA_URLS).toBe(two);
  });

  it('refuses anything else', () => {
    for (const bad of [
      'mysql://replica/ram_ms',
      'postgres://a/x, postgres://b/x',
      'postgres://a/x,',
    ]) {
      expect(() => loadConfig({ DATABASE_REPLICA_URLS: bad })).toThrow(/DATABASE_REPLICA_URLS/);
    }
  });
});
