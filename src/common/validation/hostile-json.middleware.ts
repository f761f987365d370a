import type { NextFunction, Request, Response } from 'express';
import { errorBody, requestIdOf } from 'src/common/errors/http-error.filter';
import { fieldError, type FieldError } from 'src/common/errors/domain-error';

/** Deepest nesting of objects and arrays a JSON body may have (the top level is depth 1). */
export const MAX_JSON_DEPTH = 32;
/** Keys that could reach an object's prototype when a body is merged or copied. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A lone (unpaired) UTF-16 surrogate: not a character, PostgreSQL and UTF-8 cannot hold it. */
function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') {
    return `${parent}[${key}]`;
  }
  return parent ? `${parent}.${key}` : key;
}

/**
 * The first hostile thing in a parsed JSON value: nesting deeper than MAX_JSON_DEPTH, a
 * prototype-reaching key, or a lone surrogate in a key or string. Stops at the first depth beyond
 * the limit, so a very deep body costs no more than a legal one.
 */
export function hostileJsonProblem(value: unknown, path = '', depth = 0): FieldError | null {
  if (typeof value === 'string') {
    return hasLoneSurrogate(value)
      ? fieldError(path, 'INVALID_CHARACTERS', 'The value contains a lone UTF-16 surrogate')
      : null;
  }
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  if (depth + 1 > MAX_JSON_DEPTH) {
    return fieldError(path, 'TOO_DEEP', `The body is nested deeper than ${MAX_JSON_DEPTH} levels`, {
      max: MAX_JSON_DEPTH,
    });
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = hostileJsonProblem(value[i], pathOf(path, i), depth + 1);
      if (problem) {
        return problem;
      }
    }
    return null;
  }
  // JSON.parse makes `__proto__` an own key; Object.keys lists it.
  for (const key of Object.keys(value)) {
    const here = pathOf(path, key);
    if (FORBIDDEN_KEYS.has(key)) {
      return fieldError(here, 'FORBIDDEN_KEY', `The key "${key}" is not allowed`, { key });
    }
    if (hasLoneSurrogate(key)) {
      return fieldError(here, 'INVALID_CHARACTERS', 'A key contains a lone UTF-16 surrogate');
    }
    const problem = hostileJsonProblem((value as Record<string, unknown>)[key], here, depth + 1);
    if (problem) {
      return problem;
    }
  }
  return null;
}

/**
 * Runs right after the JSON body parser, before any guard, pipe or handler (public routes too):
 * a hostile body (too deep, prototype keys, lone surrogates) is a 400 HOSTILE_JSON, a hostile
 * query string (a prototype key, a lone surrogate) a 400 HOSTILE_QUERY, in the one error shape.
 */
export function hostileJsonMiddleware(req: Request, res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  const inBody = typeof body === 'object' && body !== null ? hostileJsonProblem(body) : null;
  const query: unknown = req.query;
  const inQuery =
    !inBody && typeof query === 'object' && query !== null ? hostileJsonProblem(query) : null;
  const problem = inBody ?? inQuery;
  if (!problem) {
    next();
    return;
  }
  res
    .status(400)
    .json(
      errorBody(
        400,
        inBody ? 'HOSTILE_JSON' : 'HOSTILE_QUERY',
        `The request ${inBody ? 'body' : 'query string'} is refused: ${problem.message}`,
        requestIdOf(req, res),
        [problem],
      ),
    );
}

/**
 * Express error handler right after the JSON body parser: a body that does not parse (truncated,
 * trailing data, deeper than the parser can follow) is MALFORMED_JSON. Nest would otherwise turn
 * the parser's SyntaxError into a plain BadRequestException (VALIDATION_FAILED); other parser
 * refusals go on to the HttpErrorFilter.
 */
export function malformedJsonHandler(
  err: unknown,
  req: Request,
  res: Response,
  next: NextFunction,
): void {
  if ((err as { type?: unknown } | null)?.type !== 'entity.parse.failed' || res.headersSent) {
    next(err);
    return;
  }
  res
    .status(400)
    .json(
      errorBody(400, 'MALFORMED_JSON', 'The request body is not valid JSON', requestIdOf(req, res)),
    );
}
