/**
 * Randomisation configuration of one trial (pure: no NestJS, no DB, no I/O beyond node:crypto).
 *
 * A configuration fixes the arms and their integer ratio weights, the set of block sizes (one is
 * drawn uniformly per block) and the stratification factors. Together with a secret seed it
 * determines the whole allocation sequence (see `block-sequence.ts`).
 *
 * Commitment (recorded in the audit trail at go-live, shown to every role):
 *
 *   commitment = lowercase hex of SHA-256( UTF-8( seedHex + "\n" + canonicalConfigJson(config) ) )
 *
 * where
 *   - `seedHex` is the seed as lowercase hexadecimal (64 characters for the generated 32-byte
 *     seed), no prefix, no whitespace;
 *   - "\n" is the single byte 0x0A;
 *   - `canonicalConfigJson(config)` is the normalised configuration (defaults filled in, block
 *     sizes sorted ascending, strata factors sorted, arms kept in their configured order) written as
 *     JSON with object keys sorted by UTF-16 code units (plain `Array.prototype.sort`), no
 *     whitespace, array order preserved, numbers and strings exactly as `JSON.stringify` writes them.
 *
 * Example with the default configuration:
 *   canonicalConfigJson = {"algorithm":"ram-ms/permuted-blocks/seedrandom-arc4/v1","arms":[{"code":"A","label":"aHSCT","ratio":1},{"code":"B","label":"Best available high-efficacy DMT","ratio":1}],"blockSizes":[2,4],"strataFactors":["country"]}
 *   shell check:  printf '%s\n%s' "$SEED" "$JSON" | sha256sum
 */
import { createHash } from 'node:crypto';

/** Identifies the sequence algorithm of `block-sequence.ts`; part of the committed configuration. */
export const SEQUENCE_ALGORITHM = 'ram-ms/permuted-blocks/seedrandom-arc4/v1' as const;
export type SequenceAlgorithm = typeof SEQUENCE_ALGORITHM;

/** Largest block size accepted (sanity bound; real trials use 2–12). */
export const MAX_BLOCK_SIZE = 100;
/** Length in bytes of a generated seed. */
export const SEED_BYTES = 32;
/** Shortest accepted (supplied) seed, in hex characters: 128 bits. */
export const MIN_SEED_HEX_LENGTH = 32;

export interface ArmDefinition {
  /** Short, stable code stored with every allocation, e.g. 'A'. */
  code: string;
  /** Human-readable label, e.g. 'aHSCT'. */
  label: string;
  /** Positive integer ratio weight (1 for 1:1). */
  ratio: number;
}

/** A complete, normalised configuration. */
export interface RandomizationConfig {
  algorithm: SequenceAlgorithm;
  /** Order matters: a balanced block is built in this order before it is shuffled. */
  arms: ArmDefinition[];
  /** Distinct sizes, ascending; each a multiple of the ratio sum. */
  blockSizes: number[];
  /** Stratification factor names, sorted, e.g. ['country']. */
  strataFactors: string[];
}

/** What a statistician supplies; everything has a default. */
export interface RandomizationConfigInput {
  algorithm?: string;
  arms?: Array<{ code: string; label: string; ratio?: number }>;
  blockSizes?: number[];
  strataFactors?: string[];
}

export const DEFAULT_ARMS: readonly ArmDefinition[] = Object.freeze([
  Object.freeze({ code: 'A', label: 'aHSCT', ratio: 1 }),
  Object.freeze({ code: 'B', label: 'Best available high-efficacy DMT', ratio: 1 }),
]);
export const DEFAULT_BLOCK_SIZES: readonly number[] = Object.freeze([2, 4]);
export const DEFAULT_STRATA_FACTORS: readonly string[] = Object.freeze(['country']);

export type ConfigResult =
  { ok: true; config: RandomizationConfig } | { ok: false; errors: string[] };

export class InvalidRandomizationConfigError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid randomisation configuration: ${errors.join('; ')}`);
    this.name = 'InvalidRandomizationConfigError';
  }
}

export function defaultRandomizationConfig(): RandomizationConfig {
  return {
    algorithm: SEQUENCE_ALGORITHM,
    arms: DEFAULT_ARMS.map((a) => ({ ...a })),
    blockSizes: [...DEFAULT_BLOCK_SIZES],
    strataFactors: [...DEFAULT_STRATA_FACTORS],
  };
}

const ARM_CODE = /^[A-Za-z0-9_-]{1,16}$/;
const FACTOR_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}

/**
 * Validates and normalises: fills defaults (arms A/B 1:1, block sizes {2, 4}, strata ['country'],
 * ratio 1), sorts block sizes ascending and factors by name. Every problem is listed.
 */
export function normalizeConfig(input: RandomizationConfigInput = {}): ConfigResult {
  const errors: string[] = [];

  if (input.algorithm !== undefined && input.algorithm !== SEQUENCE_ALGORITHM) {
    errors.push(
      `unknown algorithm '${String(input.algorithm)}'; only '${SEQUENCE_ALGORITHM}' is supported`,
    );
  }

  const rawArms = input.arms ?? DEFAULT_ARMS.map((a) => ({ ...a }));
  const arms: ArmDefinition[] = [];
  if (!Array.isArray(rawArms) || rawArms.length < 2) {
    errors.push('at least two arms are required');
  }
  const seenCodes = new Set<string>();
  (Array.isArray(rawArms) ? rawArms : []).forEach((arm, i) => {
    const where = `arm #${i + 1}`;
    const code: unknown = arm?.code;
    const label: unknown = arm?.label;
    const ratio: unknown = arm?.ratio ?? 1;
    if (typeof code !== 'string' || !ARM_CODE.test(code)) {
      errors.push(
        `${where}: code must be 1–16 characters of letters, digits, '_' or '-' (got ${JSON.stringify(code)})`,
      );
    } else if (seenCodes.has(code)) {
      errors.push(`${where}: duplicate arm code '${code}'`);
    } else {
      seenCodes.add(code);
    }
    if (typeof label !== 'string' || label.trim() === '') {
      errors.push(`${where}: label must be a non-empty string`);
    }
    if (!isPositiveInteger(ratio)) {
      errors.push(`${where}: ratio must be a positive integer (got ${JSON.stringify(ratio)})`);
    }
    if (typeof code === 'string' && typeof label === 'string' && isPositiveInteger(ratio)) {
      arms.push({ code, label, ratio });
    }
  });
  const ratioTotal = arms.reduce((s, a) => s + a.ratio, 0);
  const armsOk = arms.length === (Array.isArray(rawArms) ? rawArms.length : -1) && arms.length >= 2;

  const rawSizes = input.blockSizes ?? [...DEFAULT_BLOCK_SIZES];
  if (!Array.isArray(rawSizes) || rawSizes.length === 0) {
    errors.push('at least one block size is required');
  }
  const sizes: number[] = [];
  (Array.isArray(rawSizes) ? rawSizes : []).forEach((size) => {
    if (!isPositiveInteger(size)) {
      errors.push(`block size ${JSON.stringify(size)} must be a positive integer`);
      return;
    }
    if (size > MAX_BLOCK_SIZE) {
      errors.push(`block size ${size} exceeds the maximum of ${MAX_BLOCK_SIZE}`);
      return;
    }
    if (sizes.includes(size)) {
      errors.push(`block size ${size} is listed more than once`);
      return;
    }
    if (armsOk && size % ratioTotal !== 0) {
      const ratioText = arms.map((a) => a.ratio).join(':');
      errors.push(
        `block size ${size} is not a multiple of the ratio sum ${ratioTotal} (ratio ${ratioText}); ` +
          `a block must hold whole repetitions of the ratio, e.g. ${ratioTotal}, ${2 * ratioTotal}, ${3 * ratioTotal}`,
      );
      return;
    }
    sizes.push(size);
  });

  const rawFactors = input.strataFactors ?? [...DEFAULT_STRATA_FACTORS];
  const factors: string[] = [];
  if (!Array.isArray(rawFactors)) {
    errors.push(
      'strataFactors must be an array of factor names (may be empty for no stratification)',
    );
  } else {
    rawFactors.forEach((f) => {
      if (typeof f !== 'string' || !FACTOR_NAME.test(f)) {
        errors.push(
          `strata factor ${JSON.stringify(f)} must start with a letter and contain only letters, digits or '_'`,
        );
      } else if (factors.includes(f)) {
        errors.push(`strata factor '${f}' is listed more than once`);
      } else {
        factors.push(f);
      }
    });
  }

  if (errors.length > 0) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    config: {
      algorithm: SEQUENCE_ALGORITHM,
      arms,
      blockSizes: [...sizes].sort((a, b) => a - b),
      strataFactors: [...factors].sort(),
    },
  };
}

/** Every problem with the configuration, in plain words; empty when valid. */
export function validateConfig(input: RandomizationConfigInput): string[] {
  const r = normalizeConfig(input);
  return r.ok ? [] : r.errors;
}

/** Normalised configuration, or throws `InvalidRandomizationConfigError` listing every problem. */
export function assertValidConfig(input: RandomizationConfigInput): RandomizationConfig {
  const r = normalizeConfig(input);
  if (!r.ok) {
    throw new InvalidRandomizationConfigError(r.errors);
  }
  return r.config;
}

/** Sum of the ratio weights (2 for 1:1). */
export function ratioSum(config: Pick<RandomizationConfig, 'arms'>): number {
  return config.arms.reduce((s, a) => s + a.ratio, 0);
}

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** JSON with object keys sorted (UTF-16 code-unit order), no whitespace, arrays in order. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new Error('canonicalJson: non-finite number');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  }
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

function configToJson(config: RandomizationConfig): JsonValue {
  return {
    algorithm: config.algorithm,
    arms: config.arms.map((a) => ({ code: a.code, label: a.label, ratio: a.ratio })),
    blockSizes: [...config.blockSizes],
    strataFactors: [...config.strataFactors],
  };
}

/** Canonical JSON of the normalised configuration (throws if it is invalid). */
export function canonicalConfigJson(config: RandomizationConfigInput): string {
  return canonicalJson(configToJson(assertValidConfig(config)));
}

/** Problems with a seed; empty when it is at least 128 bits of hexadecimal. */
export function validateSeed(seedHex: string): string[] {
  if (typeof seedHex !== 'string') {
    return ['seed must be a hexadecimal string'];
  }
  const s = seedHex.trim();
  const errors: string[] = [];
  if (!/^[0-9a-fA-F]*$/.test(s)) {
    errors.push('seed must contain only hexadecimal characters 0-9, a-f');
  }
  if (s.length % 2 !== 0) {
    errors.push('seed must have an even number of hex characters (whole bytes)');
  }
  if (s.length < MIN_SEED_HEX_LENGTH) {
    errors.push(
      `seed must be at least ${MIN_SEED_HEX_LENGTH} hex characters (${MIN_SEED_HEX_LENGTH * 4} bits); got ${s.length}`,
    );
  }
  return errors;
}

/** Trimmed, lowercase seed; throws if invalid. All sequence and commitment functions use this form. */
export function normalizeSeed(seedHex: string): string {
  const errors = validateSeed(seedHex);
  if (errors.length > 0) {
    throw new Error(`invalid seed: ${errors.join('; ')}`);
  }
  return seedHex.trim().toLowerCase();
}

/**
 * A new secret seed: `SEED_BYTES` (32) bytes from the given CSPRNG, as 64 lowercase hex characters.
 * Pass `crypto.randomBytes` (or `RandomSource.bytes`) in production, a stub in tests.
 */
export function generateSeed(randomBytes: (n: number) => Buffer): string {
  const bytes = randomBytes(SEED_BYTES);
  if (!Buffer.isBuffer(bytes) || bytes.length !== SEED_BYTES) {
    throw new Error(
      `generateSeed: the random source returned ${bytes?.length ?? 'no'} bytes, expected ${SEED_BYTES}`,
    );
  }
  return bytes.toString('hex');
}

/** The exact bytes that are hashed: UTF-8 of `seedHex + '\n' + canonicalConfigJson(config)`. */
export function commitmentPreimage(seedHex: string, config: RandomizationConfigInput): string {
  return `${normalizeSeed(seedHex)}\n${canonicalConfigJson(config)}`;
}

/** SHA-256 (lowercase hex) of `seedHex + '\n' + canonicalConfigJson(config)`, see the file header. */
export function commitment(seedHex: string, config: RandomizationConfigInput): string {
  return createHash('sha256').update(commitmentPreimage(seedHex, config), 'utf8').digest('hex');
}

/** True when the revealed seed and the configuration reproduce the recorded commitment. */
export function verifyCommitment(
  seedHex: string,
  config: RandomizationConfigInput,
  recorded: string,
): boolean {
  return commitment(seedHex, config) === recorded.trim().toLowerCase();
}
