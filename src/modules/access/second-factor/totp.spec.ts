import { CryptoRandomSource } from 'src/common/random/random-source';
import {
  base32,
  hashRecoveryCode,
  matchingStep,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUrl,
} from './totp';
import { SecretCipher } from './secret-cipher';
import { DEV_SECOND_FACTOR_KEYS } from 'src/common/crypto/second-factor-keys';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890"; its 8-digit codes end in these 6.
const RFC_SECRET = base32(Buffer.from('12345678901234567890', 'ascii'));

describe('TOTP (RFC 6238)', () => {
  it('encodes secrets as RFC 4648 base32', () => {
    expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32(Buffer.from('f'))).toBe('MY');
    expect(newTotpSecret(new CryptoRandomSource())).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('[REQ-AUTH-003] matches the RFC test vectors to their time step, and nothing outside the window', () => {
    expect(matchingStep('287082', RFC_SECRET, new Date(59_000), 0)).toBe(1);
    expect(matchingStep('081804', RFC_SECRET, new Date(1_111_111_109_000), 0)).toBe(37_037_036);
    expect(matchingStep('050471', RFC_SECRET, new Date(1_111_111_111_000), 0)).toBe(37_037_037);
    // One step later the earlier code is accepted only within a window of 1, as its own step.
    expect(matchingStep('081804', RFC_SECRET, new Date(1_111_111_139_000), 0)).toBeNull();
    expect(matchingStep('081804', RFC_SECRET, new Date(1_111_111_139_000), 1)).toBe(37_037_036);
    expect(matchingStep('12345a', RFC_SECRET, new Date(59_000), 1)).toBeNull();
  });

  it('writes the otpauth URL an authenticator app reads', () => {
    const url = new URL(otpauthUrl('RAM-MS', 'a.b@site.test', RFC_SECRET));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/RAM-MS:a.b@site.test');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      secret: RFC_SECRET,
      issuer: 'RAM-MS',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });

  it('makes 10 distinct recovery codes, hashed the same however they are typed', () => {
    const codes = newRecoveryCodes(new CryptoRandomSource());
    expect(new Set(codes).size).toBe(10);
    const [c] = codes;
    expect(hashRecoveryCode(c.toUpperCase().replace(/-/g, ' '))).toEqual(hashRecoveryCode(c));
    expect(hashRecoveryCode(c)).not.toEqual(hashRecoveryCode(codes[1]));
  });

  it('encrypts a secret bound to its user', () => {
    const cipher = new SecretCipher(DEV_SECOND_FACTOR_KEYS);
    const sealed = cipher.seal(RFC_SECRET, 'user-1', Buffer.alloc(12, 7));
    expect(sealed.ciphertext.toString('latin1')).not.toContain(RFC_SECRET);
    expect(cipher.open(sealed, 'user-1')).toBe(RFC_SECRET);
    expect(() => cipher.open(sealed, 'user-2')).toThrow();
  });
});
