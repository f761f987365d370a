import { Inject, Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { RandomSource } from 'src/common/random/random-source';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import type { EntityManager } from 'typeorm';
import { IV_BYTES, open, seal, type SealedRecord } from './identity-cipher';
import { parseIdentityKeys, type IdentityKeyring } from 'src/common/crypto/identity-keys';
import { IdentityErrors } from './identity.errors';
import { IdentityRepository } from './identity.repository';
import type { IdentityRecord } from './identity.types';

/** Binds a ciphertext to its participant: a record copied onto another row does not decrypt. */
export const identityAad = (participantId: string) =>
  `ram-ms:participant-identity:v1:${participantId}`;

/**
 * The identity vault: name, birth date, contact details and national id, encrypted at rest with
 * AES-256-GCM under the current configured key (the key id is stored, so keys can rotate).
 *
 * This service never audits and never decides who may see what: the participants module does
 * both (only coordinators and investigators of the participant's site, every read audited).
 * `load` is for use cases that derive trial data (age) and must not return identity to anyone.
 */
@Injectable()
export class IdentityService {
  private readonly keyring: IdentityKeyring;

  constructor(
    private readonly identities: IdentityRepository,
    private readonly random: RandomSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { keyring, problems } = parseIdentityKeys(config.IDENTITY_KEYS);
    if (!keyring) {
      throw new Error(`IDENTITY_KEYS: ${problems.join('; ')}`);
    }
    this.keyring = keyring;
  }

  get currentKeyId(): string {
    return this.keyring.currentKeyId;
  }

  /** Encrypts and stores (or replaces) the record, in the caller's transaction. */
  async store(uow: UnitOfWork, participantId: string, record: IdentityRecord): Promise<void> {
    await this.identities.upsert(
      participantId,
      this.encrypt(participantId, record),
      this.clock.now(),
      uow.em,
    );
  }

  /** The decrypted record, or null when none is stored. */
  async load(participantId: string, em?: EntityManager): Promise<IdentityRecord | null> {
    const sealed = await this.identities.find(participantId, em);
    return sealed ? this.decrypt(participantId, sealed) : null;
  }

  /** The birth date only, to derive ages (at assessment, at consent). */
  async birthDate(participantId: string, em?: EntityManager): Promise<string | null> {
    return (await this.load(participantId, em))?.birthDate ?? null;
  }

  /**
   * After a key rotation (a new key listed first): rewrites up to `limit` records still under an
   * older key with the current one. Returns how many were rewritten; run until it returns 0.
   */
  async reencryptStale(uow: UnitOfWork, limit = 100): Promise<number> {
    const ids = await this.identities.lockStale(this.keyring.currentKeyId, limit, uow.em);
    for (const id of ids) {
      const record = await this.load(id, uow.em);
      if (record) {
        await this.store(uow, id, record);
      }
    }
    if (ids.length > 0) {
      uow.audit({
        action: 'identity.reencrypted',
        entity: 'identity_vault',
        after: { count: ids.length, keyId: this.keyring.currentKeyId },
      });
    }
    return ids.length;
  }

  private encrypt(participantId: string, record: IdentityRecord): SealedRecord {
    const keyId = this.keyring.currentKeyId;
    const key = this.keyring.keys.get(keyId) as Buffer;
    return seal(
      Buffer.from(JSON.stringify(record), 'utf8'),
      identityAad(participantId),
      keyId,
      key,
      this.random.bytes(IV_BYTES),
    );
  }

  private decrypt(participantId: string, sealed: SealedRecord): IdentityRecord {
    const key = this.keyring.keys.get(sealed.keyId);
    if (!key) {
      throw IdentityErrors.keyUnknown(sealed.keyId);
    }
    return JSON.parse(
      open(sealed, identityAad(participantId), key).toString('utf8'),
    ) as IdentityRecord;
  }
}
