import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { SealedRecord } from './identity-cipher';

@Injectable()
export class IdentityRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  async find(participantId: string, em?: EntityManager): Promise<SealedRecord | null> {
    const rows: SealedRecord[] = await this.m(em).query(
      `SELECT key_id AS "keyId", iv, auth_tag AS "authTag", ciphertext FROM participant_identities WHERE participant_id = $1`,
      [participantId],
    );
    return rows[0] ?? null;
  }

  async upsert(
    participantId: string,
    sealed: SealedRecord,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO participant_identities (participant_id, key_id, iv, auth_tag, ciphertext, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (participant_id) DO UPDATE SET key_id = EXCLUDED.key_id, iv = EXCLUDED.iv,
         auth_tag = EXCLUDED.auth_tag, ciphertext = EXCLUDED.ciphertext, updated_at = EXCLUDED.updated_at`,
      [participantId, sealed.keyId, sealed.iv, sealed.authTag, sealed.ciphertext, now],
    );
  }

  /** Participants whose record is under another key than `currentKeyId`, locked for rewriting. */
  /** Participant ids with a stored identity after `after`, in id order (for a full pass). */
  async idsAfter(after: string | null, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.m().query(
      `SELECT participant_id AS id FROM participant_identities
        WHERE $1::uuid IS NULL OR participant_id > $1::uuid ORDER BY participant_id LIMIT $2`,
      [after, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Stored identities per key id. */
  async countByKey(): Promise<Record<string, number>> {
    const rows: { keyId: string; n: number }[] = await this.m().query(
      `SELECT key_id AS "keyId", count(*)::int AS n FROM participant_identities GROUP BY key_id ORDER BY key_id`,
    );
    return Object.fromEntries(rows.map((r) => [r.keyId, r.n]));
  }

  async lockStale(currentKeyId: string, limit: number, em: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT participant_id AS id FROM participant_identities WHERE key_id <> $1
       ORDER BY participant_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [currentKeyId, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Replaces the participant's match hashes (keyed digests only). */
  async replaceMatchKeys(
    participantId: string,
    keyId: string,
    digests: { kind: string; digest: Buffer }[],
    em: EntityManager,
  ): Promise<void> {
    await em.query(`DELETE FROM identity_match_keys WHERE participant_id = $1`, [participantId]);
    for (const d of digests) {
      await em.query(
        `INSERT INTO identity_match_keys (participant_id, kind, key_id, digest) VALUES ($1, $2, $3, $4)`,
        [participantId, d.kind, keyId, d.digest],
      );
    }
  }

  /** Which kinds match another participant's digest (never who, nor where). */
  async matchingKinds(
    keyId: string,
    digests: { kind: string; digest: Buffer }[],
    excludeParticipantId: string | null,
    em?: EntityManager,
  ): Promise<string[]> {
    if (digests.length === 0) {
      return [];
    }
    if (em) {
      // Two registrations of the same person at once: the second waits for the first to commit
      // (transaction-level advisory locks, one per digest, in a fixed order) and then sees it.
      const keys = digests.map((d) => d.digest.readBigInt64BE(0).toString()).sort();
      for (const key of keys) {
        await em.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [key]);
      }
    }
    const rows: { kind: string }[] = await this.m(em).query(
      `SELECT DISTINCT m.kind FROM identity_match_keys m
       JOIN unnest($2::text[], $3::bytea[]) AS d(kind, digest) ON d.kind = m.kind AND d.digest = m.digest
       WHERE m.key_id = $1 AND ($4::uuid IS NULL OR m.participant_id <> $4)
       ORDER BY m.kind`,
      [keyId, digests.map((d) => d.kind), digests.map((d) => d.digest), excludeParticipantId],
    );
    return rows.map((r) => r.kind);
  }

  /** Identities without match hashes under `keyId` (none yet, or under an older key), locked. */
  async lockWithoutMatchKeys(keyId: string, limit: number, em: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT i.participant_id AS id FROM participant_identities i
       WHERE NOT EXISTS (SELECT 1 FROM identity_match_keys m WHERE m.participant_id = i.participant_id AND m.key_id = $1)
       ORDER BY i.participant_id LIMIT $2 FOR UPDATE OF i SKIP LOCKED`,
      [keyId, limit],
    );
    return rows.map((r) => r.id);
  }
}
