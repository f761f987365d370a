import { createCipheriv, createDecipheriv } from 'node:crypto';
import { type IdentityKeyring, parseIdentityKeys } from 'src/common/crypto/identity-keys';

/** A TOTP secret as stored: AES-256-GCM, 96-bit IV, 128-bit tag, under a key named by id. */
export type SealedSecret = { keyId: string; iv: Buffer; authTag: Buffer; ciphertext: Buffer };

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts and decrypts users' TOTP secrets with the keyring of SECOND_FACTOR_KEYS (the format
 * of the identity keys: the first key is current, the others decrypt older rows). The AAD binds a
 * secret to its user, so a row copied onto another account does not decrypt.
 */
export class SecretCipher {
  private readonly keyring: IdentityKeyring;

  constructor(keys: string) {
    const parsed = parseIdentityKeys(keys);
    if (!parsed.keyring) {
      throw new Error(`SECOND_FACTOR_KEYS: ${parsed.problems.join('; ')}`);
    }
    this.keyring = parsed.keyring;
  }

  seal(secret: string, userId: string, iv: Buffer): SealedSecret {
    if (iv.length !== IV_BYTES) {
      throw new RangeError(`AES-GCM IV must be ${IV_BYTES} bytes`);
    }
    const keyId = this.keyring.currentKeyId;
    const key = this.keyring.keys.get(keyId) as Buffer;
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(userId));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return { keyId, iv: Buffer.from(iv), authTag: cipher.getAuthTag(), ciphertext };
  }

  /** The secret, or throws when the key is unknown or the row does not authenticate. */
  open(sealed: SealedSecret, userId: string): string {
    const key = this.keyring.keys.get(sealed.keyId);
    if (!key) {
      throw new Error(`SECOND_FACTOR_KEYS has no key "${sealed.keyId}" to decrypt with`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(userId));
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }
}

const aad = (userId: string) => Buffer.from(`user_second_factors:${userId}`, 'utf8');

export const SECRET_IV_BYTES = IV_BYTES;
