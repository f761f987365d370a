import { createCipheriv, createDecipheriv } from 'node:crypto';

/** An encrypted identity record as stored: AES-256-GCM, 96-bit IV, 128-bit tag. */
export type SealedRecord = { keyId: string; iv: Buffer; authTag: Buffer; ciphertext: Buffer };

export const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts `plaintext` with AES-256-GCM. `aad` (additional authenticated data) binds the
 * ciphertext to its row: a record copied onto another participant fails to decrypt.
 * The IV must be fresh random bytes for every call (never reused with the same key).
 */
export function seal(
  plaintext: Buffer,
  aad: string,
  keyId: string,
  key: Buffer,
  iv: Buffer,
): SealedRecord {
  if (key.length !== 32) {
    throw new RangeError('AES-256-GCM needs a 32-byte key');
  }
  if (iv.length !== IV_BYTES) {
    throw new RangeError(`AES-GCM IV must be ${IV_BYTES} bytes`);
  }
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { keyId, iv: Buffer.from(iv), authTag: cipher.getAuthTag(), ciphertext };
}

/** Decrypts and authenticates; throws when the key, the AAD, the tag or the data do not match. */
export function open(record: SealedRecord, aad: string, key: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, record.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(record.authTag);
  return Buffer.concat([decipher.update(record.ciphertext), decipher.final()]);
}
