import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from './request-context';

const VALID_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Gives every request an id (the caller's X-Request-Id if sane) and its own context. */
export function requestContextMiddleware(
  req: Request & { id?: unknown },
  res: Response,
  next: NextFunction,
): void {
  const header = req.headers['x-request-id'];
  const id =
    typeof req.id === 'string'
      ? req.id
      : typeof header === 'string' && VALID_ID.test(header)
        ? header
        : randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  RequestContext.run(id, () => next());
}
