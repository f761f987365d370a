import type { EntityManager } from 'typeorm';
import type { IdempotencyClaim } from 'src/common/context/request-context';

/** How long a key stands for its first request; after that the user may use it again. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** 8 to 128 of A-Z a-z 0-9 . _ : - (a UUID fits). */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Thrown inside a create's transaction when its key is already claimed by a committed request:
 * the transaction rolls back and the interceptor answers with the first request's answer.
 */
export class IdempotentReplay extends Error {
  constructor() {
    super('idempotency key already used');
  }
}

/**
 * Claims the key in the create's transaction, as its first write. A request racing with the same
 * key blocks here until the first commits (then replays) or rolls back (then goes on). A key
 * older than the TTL is taken over.
 */
export async function claimIdempotencyKey(
  em: EntityManager,
  claim: IdempotencyClaim,
  actorId: string,
  now: Date,
): Promise<void> {
  const rows: unknown[] = await em.query(
    `INSERT INTO idempotency_keys (actor_id, key, request_hash, created_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (actor_id, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at,
           status = NULL, response = NULL
       WHERE idempotency_keys.created_at < $5
     RETURNING key`,
    [actorId, claim.key, claim.requestHash, now, new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS)],
  );
  if (rows.length === 0) {
    throw new IdempotentReplay();
  }
}
