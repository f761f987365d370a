import { createHash } from 'node:crypto';
import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  Type,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader, ApiOkResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { Clock } from 'src/common/clock/clock';
import { RequestContext, type IdempotencyClaim } from 'src/common/context/request-context';
import { DomainError } from 'src/common/errors/domain-error';
import {
  IDEMPOTENCY_KEY,
  IDEMPOTENCY_KEY_TTL_MS,
  IdempotentReplay,
} from 'src/kernel/idempotency/idempotency-keys';

type Stored = { request_hash: string; status: number | null; response: unknown };

/** JSON with sorted keys: the same body hashes the same whatever the order of its keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes a create idempotent per user: the first request with an `Idempotency-Key` runs, and its
 * key is claimed in the create's own transaction (TransactionRunner); a retry with the same key
 * answers 200 with the first answer and creates nothing — also when it races the first request.
 * The same key with another request (path, body or acting role) is refused.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const key = req.headers['idempotency-key'];
    const actor = RequestContext.actor();
    if (key === undefined || actor.id === null) {
      return next.handle();
    }
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_INVALID',
        'bad_request',
        'Idempotency-Key must be 8 to 128 of A-Z a-z 0-9 . _ : -',
      );
    }
    const requestHash = createHash('sha256')
      .update(canonical([req.method, req.originalUrl, actor.role, req.body ?? null]))
      .digest('hex');
    const claim: IdempotencyClaim = { key, requestHash, claimed: false };
    const actorId = actor.id;
    return from(
      (async () => {
        const earlier = await this.find(actorId, key);
        if (earlier) {
          return this.replay(actorId, claim, res, earlier);
        }
        RequestContext.setIdempotency(claim);
        let body: unknown;
        try {
          body = await lastValueFrom(next.handle(), { defaultValue: undefined });
        } catch (error) {
          if (error instanceof IdempotentReplay) {
            return this.replay(actorId, claim, res);
          }
          throw error;
        }
        if (claim.claimed) {
          await this.db.query(
            `UPDATE idempotency_keys SET status = $3, response = $4::jsonb
             WHERE actor_id = $1 AND key = $2 AND request_hash = $5`,
            [actorId, key, res.statusCode, JSON.stringify(body ?? null), requestHash],
          );
        }
        return body;
      })(),
    );
  }

  private async find(actorId: string, key: string): Promise<Stored | null> {
    const rows: Stored[] = await this.db.query(
      `SELECT request_hash, status, response FROM idempotency_keys
       WHERE actor_id = $1 AND key = $2 AND created_at >= $3`,
      [actorId, key, new Date(this.clock.now().getTime() - IDEMPOTENCY_KEY_TTL_MS)],
    );
    return rows[0] ?? null;
  }

  /** The first request's answer; waits briefly while the first request is still answering. */
  private async replay(
    actorId: string,
    claim: IdempotencyClaim,
    res: Response,
    found?: Stored,
  ): Promise<unknown> {
    let earlier = found ?? (await this.find(actorId, claim.key));
    for (let i = 0; i < 50 && earlier && earlier.status === null; i++) {
      await sleep(100);
      earlier = await this.find(actorId, claim.key);
    }
    if (earlier && earlier.request_hash !== claim.requestHash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'conflict',
        'This Idempotency-Key was used for a different request; use a new key for a new create',
      );
    }
    if (!earlier || earlier.status === null) {
      throw new DomainError(
        'IDEMPOTENT_REQUEST_IN_PROGRESS',
        'conflict',
        'A request with this Idempotency-Key has not finished answering; retry shortly',
      );
    }
    res.status(200);
    res.setHeader('Idempotent-Replayed', 'true');
    return earlier.response;
  }
}

/**
 * A create that takes an `Idempotency-Key` (issue 15): see IdempotencyInterceptor. `created`, for
 * a create answering 201, is the answer's schema, documented for the 200 of a retry. The
 * operation lists 400 and 409 itself (IDEMPOTENCY_KEY_INVALID; IDEMPOTENCY_KEY_REUSED,
 * IDEMPOTENT_REQUEST_IN_PROGRESS).
 */
export const Idempotent = (created?: Type<unknown> | [Type<unknown>]) =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'A key of your choice (8 to 128 of A-Z a-z 0-9 . _ : -, e.g. a UUID) for this create: a retry with the same key within a day answers 200 with the first answer (header Idempotent-Replayed) and creates nothing. The same key with another request: 409 IDEMPOTENCY_KEY_REUSED; a malformed key: 400 IDEMPOTENCY_KEY_INVALID',
    }),
    ...(created
      ? [
          ApiOkResponse({
            type: created,
            description: 'A retry with the same Idempotency-Key: the first answer',
          }),
        ]
      : []),
  );
