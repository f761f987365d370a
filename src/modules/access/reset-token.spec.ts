import {
  newResetToken,
  openResetToken,
  resetSealKey,
  resetTokenHash,
  sealResetToken,
} from './reset-token';

describe('forgotten-password tokens', () => {
  const key = resetSealKey('a secret of at least thirty-two characters, for tests');
  const id = '00000000-0000-4000-8000-000000000001';

  it('are 32 random bytes in base64url, stored as their hex SHA-256', () => {
    const a = newResetToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newResetToken()).not.toBe(a);
    expect(resetTokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(resetTokenHash(a)).toBe(resetTokenHash(a));
  });

  it('seal and open again only with the same key and reset id', () => {
    const token = newResetToken();
    const sealed = sealResetToken(key, id, token);
    expect(sealed.toString('latin1')).not.toContain(token);
    expect(openResetToken(key, id, sealed)).toBe(token);
    expect(() => openResetToken(key, '00000000-0000-4000-8000-000000000002', sealed)).toThrow();
    const other = resetSealKey('another secret of at least thirty-two characters!!');
    expect(() => openResetToken(other, id, sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => openResetToken(key, id, tampered)).toThrow();
  });

  it('derive a key of its own from the secret (not the secret itself)', () => {
    const secret = 'a secret of at least thirty-two characters, for tests';
    expect(resetSealKey(secret)).toHaveLength(32);
    expect(resetSealKey(secret).equals(Buffer.from(secret).subarray(0, 32))).toBe(false);
  });
});
