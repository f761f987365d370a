import { randomBytes } from 'node:crypto';
import { loadConfig } from 'src/config/app-config';
import { open, seal } from './identity-cipher';
import {
  DEV_IDENTITY_KEYS,
  DEV_IDENTITY_MATCH_KEYS,
  identityKeysProblem,
  parseIdentityKeys,
} from 'src/common/crypto/identity-keys';
import { matchDigest, matchInputs, normaliseName } from './match-keys';
import { nationalIdProblem, normaliseNationalId } from './national-id';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');

describe('identity keys from configuration', () => {
  it('parses keyId:base64 entries, the first being current', () => {
    const { keyring } = parseIdentityKeys(`k2:${key(2)}, k1:${key(1)}`);
    expect(keyring?.currentKeyId).toBe('k2');
    expect([...(keyring?.keys.keys() ?? [])]).toEqual(['k2', 'k1']);
    expect(keyring?.keys.get('k1')).toEqual(Buffer.alloc(32, 1));
  });

  it('names malformed entries without echoing key material', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    const { problems } = parseIdentityKeys(`k1:${short},nocolon,k1:${key(3)},bad id:${key(4)}`);
    expect(problems).toEqual([
      'entry 1 ("k1"): the key must be base64 of exactly 32 bytes (AES-256)',
      'entry 2 must look like keyId:base64key',
      expect.stringContaining('entry 4: key id'),
    ]);
    expect(problems.join(' ')).not.toContain(short);
  });

  it('refuses duplicate key ids', () => {
    expect(parseIdentityKeys(`a:${key(1)},a:${key(2)}`).problems).toEqual([
      'entry 2: key id "a" is listed twice',
    ]);
  });

  it('requires keys in production and refuses the development key there', () => {
    expect(identityKeysProblem(undefined, 'development')).toBeNull();
    expect(identityKeysProblem(undefined, 'test')).toBeNull();
    expect(identityKeysProblem(undefined, 'production')).toMatch(/required in production/);
    expect(identityKeysProblem(DEV_IDENTITY_KEYS, 'production')).toMatch(/public development key/);
    expect(identityKeysProblem(`prod1:${key(9)}`, 'production')).toBeNull();
    expect(identityKeysProblem('garbage', 'production')).toMatch(/^IDENTITY_KEYS: entry 1/);
  });
});

describe('IDENTITY_KEYS at boot', () => {
  const production = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) };

  it('stops a production start without keys, naming the variable', () => {
    expect(() => loadConfig(production)).toThrow(/IDENTITY_KEYS: required in production/);
    expect(() => loadConfig({ ...production, IDENTITY_KEYS: 'k1:short' })).toThrow(
      /IDENTITY_KEYS: entry 1 \("k1"\)/,
    );
  });

  it('accepts a valid key list, and falls back to the development key outside production', () => {
    expect(
      loadConfig({
        ...production,
        IDENTITY_KEYS: `k1:${key(5)}`,
        IDENTITY_MATCH_KEY: `m1:${key(6)}`,
        SECOND_FACTOR_KEYS: `t1:${key(8)}`,
      }).IDENTITY_KEYS,
    ).toBe(`k1:${key(5)}`);
    expect(loadConfig({ NODE_ENV: 'test' }).IDENTITY_KEYS).toBe(DEV_IDENTITY_KEYS);
  });
});

describe('IDENTITY_MATCH_KEY at boot', () => {
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: 'p'.repeat(40),
    IDENTITY_KEYS: `k1:${key(5)}`,
    SECOND_FACTOR_KEYS: `t1:${key(8)}`,
  };

  it('is required in production, one well-formed key, never the development key', () => {
    expect(() => loadConfig(production)).toThrow(/IDENTITY_MATCH_KEY: required in production/);
    expect(() => loadConfig({ ...production, IDENTITY_MATCH_KEY: 'm1:short' })).toThrow(
      /IDENTITY_MATCH_KEY: entry 1/,
    );
    expect(() =>
      loadConfig({ ...production, IDENTITY_MATCH_KEY: `m1:${key(6)},m2:${key(7)}` }),
    ).toThrow(/exactly one/);
    expect(() =>
      loadConfig({ ...production, IDENTITY_MATCH_KEY: DEV_IDENTITY_MATCH_KEYS }),
    ).toThrow(/development key/);
    expect(
      loadConfig({ ...production, IDENTITY_MATCH_KEY: `m1:${key(6)}` }).IDENTITY_MATCH_KEY,
    ).toBe(`m1:${key(6)}`);
    expect(loadConfig({ NODE_ENV: 'test' }).IDENTITY_MATCH_KEY).toBe(DEV_IDENTITY_MATCH_KEYS);
  });
});

describe('identity match hashes', () => {
  const k = randomBytes(32);
  const digest = (r: Parameters<typeof matchInputs>[0]) =>
    matchInputs(r).map((m) => ({
      kind: m.kind,
      d: matchDigest(k, m.kind, m.input).toString('hex'),
    }));

  it('normalises names (case, accents, spaces, hyphens) and keeps the national id type in the key', () => {
    const a = digest({ givenName: 'Åsa', familyName: 'Öberg-Lind', birthDate: '1980-01-02' });
    const b = digest({ givenName: 'ASA', familyName: 'oberg lind', birthDate: '1980-01-02' });
    expect(a).toEqual(b);
    expect(
      digest({ givenName: 'Asa', familyName: 'Oberg Lind', birthDate: '1980-01-03' })[0].d,
    ).not.toBe(a[0].d);
    const withId = (type: 'nl_bsn' | 'other', value: string) =>
      digest({
        givenName: 'X',
        familyName: 'Y',
        birthDate: '1980-01-02',
        nationalId: { type, value },
      })[0];
    expect(withId('nl_bsn', '123456782')).toEqual(withId('nl_bsn', '1234 56-782'));
    expect(withId('nl_bsn', '123456782').d).not.toBe(withId('other', '123456782').d);
    expect(normaliseName(' Jean-Luc  Æbelø ')).toBe('jeanlucaebelo');
  });

  it('depends on the key (a keyed hash, not a plain one)', () => {
    const input = matchInputs({ givenName: 'A', familyName: 'B', birthDate: '1980-01-02' })[0];
    expect(matchDigest(k, input.kind, input.input)).not.toEqual(
      matchDigest(randomBytes(32), input.kind, input.input),
    );
  });
});

describe('[REQ-PRIV-001] AES-256-GCM sealing', () => {
  const k = randomBytes(32);
  const iv = randomBytes(12);
  const plaintext = Buffer.from('{"givenName":"Anna"}');

  it('round-trips and hides the plaintext', () => {
    const sealed = seal(plaintext, 'participant:1', 'k1', k, iv);
    expect(sealed.ciphertext.includes(Buffer.from('Anna'))).toBe(false);
    expect(open(sealed, 'participant:1', k).toString()).toBe(plaintext.toString());
  });

  it('fails on another key, another row (AAD) or a flipped bit', () => {
    const sealed = seal(plaintext, 'participant:1', 'k1', k, iv);
    expect(() => open(sealed, 'participant:1', randomBytes(32))).toThrow();
    expect(() => open(sealed, 'participant:2', k)).toThrow();
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    tampered.ciphertext[0] ^= 1;
    expect(() => open(tampered, 'participant:1', k)).toThrow();
  });

  it('refuses wrong key and IV sizes', () => {
    expect(() => seal(plaintext, 'a', 'k', randomBytes(16), iv)).toThrow(RangeError);
    expect(() => seal(plaintext, 'a', 'k', k, randomBytes(16))).toThrow(RangeError);
  });
});

describe('national ids', () => {
  it('checks a BSN with the elfproef', () => {
    expect(nationalIdProblem('nl_bsn', '111222333')).toBeNull();
    expect(nationalIdProblem('nl_bsn', '123456782')).toBeNull();
    expect(nationalIdProblem('nl_bsn', '123456789')).toMatch(/elfproef/);
    expect(nationalIdProblem('nl_bsn', '12345678')).toMatch(/elfproef/);
    expect(nationalIdProblem('nl_bsn', '000000000')).toMatch(/elfproef/);
  });

  it('checks Norwegian, Swedish and Danish numbers', () => {
    expect(nationalIdProblem('no_fnr', '01010112345')).not.toBeNull();
    expect(nationalIdProblem('no_fnr', '15076500565')).toBeNull();
    expect(nationalIdProblem('se_pnr', '811218-9876')).toBeNull();
    expect(nationalIdProblem('se_pnr', '811218-9875')).not.toBeNull();
    expect(nationalIdProblem('dk_cpr', '010190-1234')).toBeNull();
    expect(nationalIdProblem('dk_cpr', '320190-1234')).not.toBeNull();
  });

  it('stores national numbers as digits only', () => {
    expect(normaliseNationalId('nl_bsn', ' 1112 22 333 ')).toBe('111222333');
    expect(normaliseNationalId('se_pnr', '811218-9876')).toBe('8112189876');
    expect(normaliseNationalId('other', '  X-12 ')).toBe('X-12');
  });
});
