import fc from 'fast-check';
import { OpenApiDoc, Operation, resolve, Schema } from './openapi';

/** The parts of an OpenAPI schema the generators read (openapi.ts `Schema` plus a few). */
export type FullSchema = Schema & {
  pattern?: string;
  minLength?: number;
  minItems?: number;
  maxItems?: number;
  multipleOf?: number;
  nullable?: boolean;
  properties?: Record<string, FullSchema>;
  items?: FullSchema;
};

export type ValueContext = {
  /** Ids that name real records, by parameter or property name (e.g. siteId, participantId). */
  ids: Record<string, string>;
  /** A calendar date that is valid "today" for the app's clock. */
  date: string;
  /** A counter that makes unique values (e-mail addresses, codes). */
  next: () => number;
};

const full = (doc: OpenApiDoc, s: Schema | undefined) => resolve(doc, s) as FullSchema | undefined;

/** Request body schema of an operation (JSON), resolved. */
export const bodySchema = (doc: OpenApiDoc, op: Operation): FullSchema | undefined =>
  full(doc, op.requestBody?.content['application/json']?.schema);

/** A string matching `pattern` (deterministic for a counter value). */
function matching(pattern: string, n: number): string {
  const [value] = fc.sample(fc.stringMatching(new RegExp(pattern)), { numRuns: 1, seed: n });
  return value;
}

/**
 * A valid value for a schema: required properties only (plus known ids), enums' first value,
 * numbers inside their bounds, dates and uuids of real records where the name says what they are.
 */
export function validValue(
  doc: OpenApiDoc,
  schema: Schema | undefined,
  ctx: ValueContext,
  name = '',
): unknown {
  const s = full(doc, schema);
  if (!s) {
    return {};
  }
  if (s.enum?.length) {
    return s.enum[0];
  }
  switch (s.type ?? '') {
    case 'string': {
      if (s.format === 'uuid') {
        return ctx.ids[name] ?? ctx.ids[name.replace(/Ids?$/, 'Id')] ?? Object.values(ctx.ids)[0];
      }
      if (s.format === 'date') {
        return ctx.date;
      }
      if (s.format === 'date-time' || /At$/.test(name)) {
        return `${ctx.date}T09:00:00.000Z`;
      }
      if (s.format === 'email' || name === 'email') {
        return `generated.${ctx.next()}@test.local`;
      }
      if (s.pattern) {
        return matching(s.pattern, ctx.next());
      }
      if (name === 'password') {
        return 'a long enough passphrase';
      }
      if (name === 'timeZone') {
        return 'Europe/Amsterdam';
      }
      const text = `generated ${name || 'text'} ${ctx.next()}`;
      return s.maxLength ? text.slice(0, s.maxLength) : text;
    }
    case 'integer':
    case 'number': {
      const min = s.minimum ?? 0;
      const max = s.maximum ?? min + 10;
      return Math.min(max, Math.max(min, 1));
    }
    case 'boolean':
      return false;
    case 'array': {
      const n = Math.max(1, s.minItems ?? 0);
      return Array.from({ length: n }, () => validValue(doc, s.items, ctx, name.replace(/s$/, '')));
    }
    case 'object':
    default: {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) {
        out[key] = validValue(doc, s.properties?.[key], ctx, key);
      }
      return out;
    }
  }
}

/** A value of a clearly different JSON type, or of the right type but outside the schema's limits. */
export function invalidValues(doc: OpenApiDoc, schema: Schema | undefined): unknown[] {
  const s: FullSchema = full(doc, schema) ?? {};
  const common: unknown[] = [
    null,
    [],
    {},
    [null],
    { nested: { deeper: [1, { x: 'y' }] } },
    '',
    ' ',
    '\u0000',
    'x'.repeat(10_000),
  ];
  switch (s.type ?? '') {
    case 'string': {
      const out: unknown[] = [
        ...common,
        0,
        -1,
        1e308,
        true,
        ['a'],
        { $ne: null },
        "' OR 1=1 --",
        '😀'.repeat(50),
        '\u202E\u0000\uFFFF',
      ];
      if (s.maxLength) {
        out.push('x'.repeat(s.maxLength + 1));
      }
      if (s.format === 'uuid') {
        out.push(
          '00000000-0000-0000-0000-000000000000',
          'not-a-uuid',
          '00000000-0000-4000-8000-00000000000g',
        );
      }
      if (s.format === 'date') {
        out.push(
          '2026-02-30',
          '2026-13-01',
          '0000-00-00',
          '2026-1-1',
          '99999-01-01',
          '2026-03-01T00:00:00Z',
          '1800-01-01',
          '2999-12-31',
        );
      }
      if (s.format === 'date-time') {
        out.push('yesterday', '2026-03-01T25:00:00Z', '2026-03-01', '+275760-09-13T00:00:00.000Z');
      }
      if (s.format === 'email') {
        out.push('no-at-sign', 'a@', '@b.c', `${'x'.repeat(250)}@test.local`);
      }
      if (s.enum) {
        out.push(`${String(s.enum[0])}X`, String(s.enum[0]).toUpperCase(), ` ${String(s.enum[0])}`);
      }
      return out;
    }
    case 'integer':
    case 'number': {
      const out: unknown[] = [
        ...common,
        '1',
        'NaN',
        true,
        1.5,
        -0.5,
        Number.MAX_SAFE_INTEGER + 2,
        -1e21,
        1e21,
      ];
      if (s.minimum !== undefined) {
        out.push(s.minimum - 1, s.minimum - 0.25);
      }
      if (s.maximum !== undefined) {
        out.push(s.maximum + 1, s.maximum + 0.25);
      }
      return out;
    }
    case 'boolean':
      return [...common, 'true', 1, 0, 'yes'];
    case 'array':
      return [
        ...common.filter((v) => !Array.isArray(v)),
        'a',
        1,
        Array.from({ length: (s.maxItems ?? 200) + 1 }, () => 'x'),
        [[[[[]]]]],
      ];
    default:
      return [...common.filter((v) => typeof v !== 'object' || v === null), 'a', 1, true, [1, 2]];
  }
}

/** Property names (dotted paths) of a schema, nested objects included, to pick mutation targets from. */
export function propertyPaths(
  doc: OpenApiDoc,
  schema: Schema | undefined,
  prefix = '',
  depth = 0,
): { path: string[]; schema: FullSchema | undefined; required: boolean }[] {
  const s = full(doc, schema);
  if (!s?.properties || depth > 3) {
    return [];
  }
  const out: { path: string[]; schema: FullSchema | undefined; required: boolean }[] = [];
  for (const [key, raw] of Object.entries(s.properties)) {
    const child = full(doc, raw);
    const path = prefix ? [...prefix.split('.'), key] : [key];
    out.push({ path, schema: child, required: (s.required ?? []).includes(key) });
    if (child?.type === 'object' || child?.properties) {
      out.push(...propertyPaths(doc, child, path.join('.'), depth + 1));
    }
  }
  return out;
}

export function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null || Array.isArray(node[key])) {
      node[key] = {};
    }
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

export function deletePath(target: Record<string, unknown>, path: string[]): void {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) {
      return;
    }
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'object' && node !== null) {
    delete (node as Record<string, unknown>)[path[path.length - 1]];
  }
}
