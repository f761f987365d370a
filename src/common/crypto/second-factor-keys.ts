import { createHash } from 'node:crypto';
import { parseIdentityKeys } from 'src/common/crypto/identity-keys';

/**
 * The keys that encrypt users' TOTP secrets (AES-256-GCM): `SECOND_FACTOR_KEYS`, in the format of
 * the identity keys (comma-separated `keyId:base64(32 bytes)`; the first is current, the others
 * only decrypt secrets written before a rotation). Development and test only: a fixed, publicly
 * known key, refused in production.
 */
export const DEV_SECOND_FACTOR_KEYS = `dev-2fa:${createHash('sha256')
  .update('RAM-MS development second-factor key: never use in production')
  .digest('base64')}`;

/** A boot-time check for `loadConfig`: one line naming no key material, or null when usable. */
export function secondFactorKeysProblem(value: string | undefined, nodeEnv: string): string | null {
  if (value === undefined || value === '') {
    return nodeEnv === 'production'
      ? 'SECOND_FACTOR_KEYS: required in production (comma-separated keyId:base64 of 32 bytes; the first is current)'
      : null;
  }
  const { keyring, problems } = parseIdentityKeys(value);
  if (!keyring) {
    return `SECOND_FACTOR_KEYS: ${problems.join('; ')}`;
  }
  if (nodeEnv === 'production') {
    const dev = parseIdentityKeys(DEV_SECOND_FACTOR_KEYS).keyring?.keys.get('dev-2fa');
    for (const [id, key] of keyring.keys) {
      if (dev && key.equals(dev)) {
        return `SECOND_FACTOR_KEYS: key "${id}" is the public development key; use a secret key in production`;
      }
    }
  }
  return null;
}
