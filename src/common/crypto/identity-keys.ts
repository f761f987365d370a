import { createHash } from 'node:crypto';

/**
 * The identity vault's keys, from configuration: `IDENTITY_KEYS` is a comma-separated list of
 * `keyId:base64(32 bytes)`; the first is the current key (new and rewritten records use it), the
 * others only decrypt records written before a rotation. Pure: parsing and checking only.
 */
export type IdentityKeyring = {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
};

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Development and test only: a fixed, publicly known key. Refused in production. */
export const DEV_IDENTITY_KEY_ID = 'dev';
export const DEV_IDENTITY_KEYS = `${DEV_IDENTITY_KEY_ID}:${createHash('sha256')
  .update('RAM-MS development identity key: never use in production')
  .digest('base64')}`;

/**
 * Parses `IDENTITY_KEYS`. Problems name the entry by position and key id, never the key
 * material, so the message is safe to log.
 */
export function parseIdentityKeys(
  value: string,
): { keyring: IdentityKeyring; problems: [] } | { keyring: null; problems: string[] } {
  const problems: string[] = [];
  const keys = new Map<string, Buffer>();
  const entries = value.split(',').map((e) => e.trim());
  entries.forEach((entry, i) => {
    const where = `entry ${i + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      problems.push(`${where} must look like keyId:base64key`);
      return;
    }
    const id = entry.slice(0, colon);
    const material = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) {
      problems.push(`${where}: key id must be 1 to 32 of A-Z a-z 0-9 _ -`);
      return;
    }
    if (keys.has(id)) {
      problems.push(`${where}: key id "${id}" is listed twice`);
      return;
    }
    const key = BASE64.test(material) ? Buffer.from(material, 'base64') : null;
    if (!key || key.length !== 32) {
      problems.push(`${where} ("${id}"): the key must be base64 of exactly 32 bytes (AES-256)`);
      return;
    }
    keys.set(id, key);
  });
  if (problems.length > 0 || keys.size === 0) {
    return { keyring: null, problems: problems.length > 0 ? problems : ['no key given'] };
  }
  return {
    keyring: { currentKeyId: entries[0].slice(0, entries[0].indexOf(':')), keys },
    problems: [],
  };
}

/** A boot-time check for `loadConfig`: one line, or null when the value is usable. */
export function identityKeysProblem(value: string | undefined, nodeEnv: string): string | null {
  if (value === undefined || value === '') {
    return nodeEnv === 'production'
      ? 'IDENTITY_KEYS: required in production (comma-separated keyId:base64 of 32 bytes; the first is current)'
      : null;
  }
  const { keyring, problems } = parseIdentityKeys(value);
  if (!keyring) {
    return `IDENTITY_KEYS: ${problems.join('; ')}`;
  }
  if (nodeEnv === 'production') {
    const dev = parseIdentityKeys(DEV_IDENTITY_KEYS).keyring?.keys.get(DEV_IDENTITY_KEY_ID);
    for (const [id, key] of keyring.keys) {
      if (dev && key.equals(dev)) {
        return `IDENTITY_KEYS: key "${id}" is the public development key; use a secret key in production`;
      }
    }
  }
  return null;
}

/**
 * The key of the identity match hashes (HMAC-SHA-256 of the normalised national id, and of name +
 * birth date, to warn of a likely duplicate registration): `IDENTITY_MATCH_KEY` is one
 * `keyId:base64(32 bytes)`. Development and test only: a fixed, publicly known key.
 */
export const DEV_IDENTITY_MATCH_KEYS = `dev-match:${createHash('sha256')
  .update('RAM-MS development identity match key: never use in production')
  .digest('base64')}`;

/** A boot-time check for `loadConfig`: one line, or null when the value is usable. */
export function identityMatchKeyProblem(value: string | undefined, nodeEnv: string): string | null {
  if (value === undefined || value === '') {
    return nodeEnv === 'production'
      ? 'IDENTITY_MATCH_KEY: required in production (keyId:base64 of 32 bytes)'
      : null;
  }
  const { keyring, problems } = parseIdentityKeys(value);
  if (!keyring) {
    return `IDENTITY_MATCH_KEY: ${problems.join('; ')}`;
  }
  if (keyring.keys.size !== 1) {
    return 'IDENTITY_MATCH_KEY: exactly one keyId:base64 key';
  }
  if (nodeEnv === 'production' && value === DEV_IDENTITY_MATCH_KEYS) {
    return 'IDENTITY_MATCH_KEY: the public development key; use a secret key in production';
  }
  return null;
}
