import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Forgotten-password tokens: 32 random bytes (base64url, 43 characters). The database keeps the
 * SHA-256 of the token to check it, and the token itself only sealed (AES-256-GCM) until the
 * e-mail carrying it is sent; the job and its outbox row carry the reset's id, never the token.
 * The sealing key is derived from JWT_SECRET (HKDF-SHA-256, its own label), so no new secret has
 * to be configured and a copy of the database alone opens nothing.
 */
export const newResetToken = (): string => randomBytes(32).toString('base64url');

/** The hex SHA-256 of a token: what is stored and looked up. */
export const resetTokenHash = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

const LABEL = 'ram-ms password-reset token seal v1';

export const resetSealKey = (secret: string): Buffer =>
  Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), LABEL, 32));

/** iv (12) ‖ tag (16) ‖ ciphertext; the reset's id is the associated data (a sealed token moved to another row does not open). */
export function sealResetToken(key: Buffer, resetId: string, token: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(resetId, 'utf8'));
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openResetToken(key: Buffer, resetId: string, sealed: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(resetId, 'utf8'));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
}
