import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { RandomSource } from 'src/common/random/random-source';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import type { EntityManager } from 'typeorm';
import { IV_BYTES, open, seal, type SealedRecord } from './identity-cipher';
import { parseIdentityKeys, type IdentityKeyring } from 'src/common/crypto/identity-keys';
import { IdentityErrors } from './identity.errors';
import { IdentityRepository } from './identity.repository';
import type { IdentityRecord } from './identity.types';
import { matchDigest, matchInputs, type MatchKind } from './match-keys';

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
export class IdentityService implements OnApplicationBootstrap {
  private readonly keyring: IdentityKeyring;
  private readonly matchKeyId: string;
  private readonly matchKey: Buffer;
  private readonly logger = new Logger('IdentityService');

  constructor(
    private readonly identities: IdentityRepository,
    private readonly random: RandomSource,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { keyring, problems } = parseIdentityKeys(config.IDENTITY_KEYS);
    if (!keyring) {
      throw new Error(`IDENTITY_KEYS: ${problems.join('; ')}`);
    }
    this.keyring = keyring;
    const match = parseIdentityKeys(config.IDENTITY_MATCH_KEY);
    if (!match.keyring) {
      throw new Error(`IDENTITY_MATCH_KEY: ${match.problems.join('; ')}`);
    }
    this.matchKeyId = match.keyring.currentKeyId;
    this.matchKey = match.keyring.keys.get(this.matchKeyId) as Buffer;
  }

  /**
   * Backfill at start (the HMAC key is configuration, known only at runtime, so no migration can
   * do it): identities without match hashes under the current match key get them.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const n = await this.backfillMatchKeys();
      if (n > 0) {
        this.logger.log(`identity match hashes written for ${n} participants`);
      }
    } catch (e) {
      this.logger.error(`identity match-hash backfill failed: ${(e as Error).message}`);
    }
  }

  /** Writes missing match hashes in batches; returns how many participants got them. */
  async backfillMatchKeys(batch = 200): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.tx.run(async (uow) => {
        const ids = await this.identities.lockWithoutMatchKeys(this.matchKeyId, batch, uow.em);
        let written = 0;
        for (const id of ids) {
          const record = await this.load(id, uow.em);
          const digests = record ? this.digests(record) : [];
          if (digests.length > 0) {
            await this.identities.replaceMatchKeys(id, this.matchKeyId, digests, uow.em);
            written++;
          }
        }
        if (written > 0) {
          uow.audit({
            action: 'identity.match_keys_backfilled',
            entity: 'identity_vault',
            after: { count: written, keyId: this.matchKeyId },
          });
        }
        return { seen: ids.length, written };
      });
      total += done.written;
      if (done.seen < batch || done.written === 0) {
        return total;
      }
    }
  }

  /**
   * Whether another participant (any site) has the same normalised national id, or the same
   * normalised name and birth date: the kinds that match, nothing else (not who, not where).
   */
  async likelyDuplicates(
    record: IdentityRecord,
    excludeParticipantId: string | null,
    em?: EntityManager,
  ): Promise<MatchKind[]> {
    return (await this.identities.matchingKinds(
      this.matchKeyId,
      this.digests(record),
      excludeParticipantId,
      em,
    )) as MatchKind[];
  }

  /**
   * Whether `date` is on or after the participant's birth date. Derives a fact without returning
   * identity to anyone, so it is not a human read (not audited as one).
   */
  async bornOnOrBefore(participantId: string, date: string, em?: EntityManager): Promise<boolean> {
    const birthDate = await this.birthDate(participantId, em);
    if (!birthDate) {
      throw IdentityErrors.missing();
    }
    return birthDate <= date;
  }

  private digests(record: IdentityRecord): { kind: MatchKind; digest: Buffer }[] {
    return matchInputs(record).map(({ kind, input }) => ({
      kind,
      digest: matchDigest(this.matchKey, kind, input),
    }));
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
    await this.identities.replaceMatchKeys(
      participantId,
      this.matchKeyId,
      this.digests(record),
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

  /**
   * A key rotation from start to end: first reads every stored identity with the configured keys
   * (when any cannot be read, a needed key is missing: nothing is changed); then re-encrypts every
   * identity still under an older key with the current one (batches in their own transactions,
   * each audited) and reads them all back. `unreadable` must be 0 before an old key is dropped.
   */
  async rotate(batch = 100): Promise<{
    reencrypted: number;
    byKey: Record<string, number>;
    checked: number;
    unreadable: number;
  }> {
    const before = await this.readBack(batch);
    let reencrypted = 0;
    if (before.unreadable === 0) {
      for (;;) {
        const n = await this.tx.run((uow) => this.reencryptStale(uow, batch));
        reencrypted += n;
        if (n === 0) {
          break;
        }
      }
    }
    const after = reencrypted > 0 ? await this.readBack(batch) : before;
    return { reencrypted, byKey: await this.identities.countByKey(), ...after };
  }

  /** Decrypts every stored identity with the configured keys; how many could not be. */
  private async readBack(batch: number): Promise<{ checked: number; unreadable: number }> {
    let checked = 0;
    let unreadable = 0;
    for (let after: string | null = null; ;) {
      const ids = await this.identities.idsAfter(after, batch);
      if (ids.length === 0) {
        return { checked, unreadable };
      }
      for (const id of ids) {
        checked++;
        try {
          await this.load(id);
        } catch {
          unreadable++;
        }
      }
      after = ids[ids.length - 1];
    }
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
