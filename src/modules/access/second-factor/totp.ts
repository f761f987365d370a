import { createHash } from 'node:crypto';
import { authenticator } from 'otplib';
import type { RandomSource } from 'src/common/random/random-source';

/** RFC 6238 defaults every authenticator app knows: SHA-1, 6 digits, 30-second steps. */
export const TOTP_STEP_SECONDS = 30;
const SECRET_BYTES = 20;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding (what otpauth:// URLs and authenticator apps take). */
export function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) {
    out += BASE32[(value << (5 - bits)) & 31];
  }
  return out;
}

/** A new TOTP secret: 160 random bits (RFC 4226's recommended length), base32. */
export function newTotpSecret(random: RandomSource): string {
  return base32(random.bytes(SECRET_BYTES));
}

/** The otpauth:// URL an authenticator app reads from the QR code. */
export function otpauthUrl(issuer: string, account: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({
    secret,
    issuer,
    algorithm: 'SHA1',
    digits: '6',
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${params.toString()}`;
}

/** The time step (RFC 6238 counter) of an instant. */
export const timeStep = (at: Date): number => Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS);

/**
 * The time step whose code `code` is, within `window` steps either side of `at`, or null. The
 * caller refuses a step at or before the last one accepted, so no code works twice.
 */
export function matchingStep(
  code: string,
  secret: string,
  at: Date,
  window: number,
): number | null {
  if (!/^\d{6}$/.test(code)) {
    return null;
  }
  const delta = authenticator.clone({ epoch: at.getTime(), window }).checkDelta(code, secret);
  return delta === null ? null : timeStep(at) + delta;
}

/** Recovery codes: 10 per user, 16 characters of an unambiguous 31-letter alphabet (~79 bits). */
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function newRecoveryCodes(random: RandomSource): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    let code = '';
    for (let i = 0; i < 16; i++) {
      code += RECOVERY_ALPHABET[random.int(RECOVERY_ALPHABET.length)];
      if (i % 4 === 3 && i < 15) {
        code += '-';
      }
    }
    return code;
  });
}

/** As typed: case, spaces and dashes do not matter. */
export const normaliseRecoveryCode = (code: string): string =>
  code.toLowerCase().replace(/[\s-]/g, '');

/** What is stored of a recovery code: SHA-256 of its normal form (it is long and random, so no salt). */
export const hashRecoveryCode = (code: string): Buffer =>
  createHash('sha256').update(normaliseRecoveryCode(code), 'utf8').digest();
