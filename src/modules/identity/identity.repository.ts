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
  async lockStale(currentKeyId: string, limit: number, em: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT participant_id AS id FROM participant_identities WHERE key_id <> $1
       ORDER BY participant_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [currentKeyId, limit],
    );
    return rows.map((r) => r.id);
  }
}
