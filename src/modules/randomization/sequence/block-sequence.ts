/**
 * Stratified permuted blocks of random size: the allocation sequence as a pure function.
 *
 * Block `k` (0-based) of stratum `s` depends only on (seed, s, k). Recipe, so anyone can recompute
 * it once the seed is revealed (algorithm id `ram-ms/permuted-blocks/seedrandom-arc4/v1`):
 *
 *   1. seedString = `${seedHex}|${stratumKey}|${k}`
 *        seedHex: lowercase hex seed; stratumKey: see `stratumKey()` (e.g. `country=NL`);
 *        k: block index in decimal without padding. Example: `9f…e1|country=NL|0`.
 *   2. prng = seedrandom(seedString)   — seedrandom 3.x default (ARC4) generator; each call
 *        `prng()` returns a double in [0, 1).
 *   3. size = blockSizes[floor(prng() * blockSizes.length)]   — blockSizes sorted ascending; the
 *        draw happens even when there is only one size.
 *   4. block = for each arm in configured order, (size / ratioSum) * arm.ratio copies of its code
 *        (size 4 at 1:1 → A,A,B,B; size 3 at 2:1 → A,A,B).
 *   5. Fisher–Yates with the same prng: for i = size-1 down to 1: j = floor(prng() * (i + 1));
 *        swap block[i] and block[j].
 *
 * Blocks follow each other: sequence position p (1-based, per stratum) falls in the block whose
 * cumulative span covers p; `positionInBlock` is 1-based too, `blockIndex` 0-based.
 * The list never runs out and can be regenerated at any time.
 */
import seedrandom from 'seedrandom';
import {
  assertValidConfig,
  normalizeSeed,
  ratioSum,
  RandomizationConfig,
  RandomizationConfigInput,
} from './randomization-config';

/** Stratum key of an unstratified trial (no factors). */
export const UNSTRATIFIED_KEY = '*';

export interface SequenceBlock {
  stratumKey: string;
  /** 0-based. */
  blockIndex: number;
  size: number;
  /** Arm codes in allocation order. */
  arms: string[];
}

export interface SequenceSlot {
  stratumKey: string;
  /** 1-based position in the stratum's sequence. */
  sequenceNumber: number;
  arm: string;
  /** 0-based index of the block holding this position. */
  blockIndex: number;
  /** 1-based position inside that block. */
  positionInBlock: number;
  blockSize: number;
}

export type StrataValues = Readonly<Record<string, string | number | null | undefined>>;

/**
 * Canonical stratum key: factors sorted by name, each `name=value` with both parts passed through
 * `encodeURIComponent`, joined by `;` (e.g. `country=NL`, `country=NL;site=VUMC`). With no factors
 * the key is `*`. Values are used exactly as given (no case folding). Throws when a value is missing.
 */
export function stratumKey(factors: readonly string[], values: StrataValues): string {
  if (factors.length === 0) {
    return UNSTRATIFIED_KEY;
  }
  const sorted = [...factors].sort();
  const missing = sorted.filter((f) => {
    const v = values[f];
    return v === null || v === undefined || String(v) === '';
  });
  if (missing.length > 0) {
    throw new Error(
      `missing value for strata factor${missing.length > 1 ? 's' : ''} ${missing.map((f) => `'${f}'`).join(', ')}`,
    );
  }
  return sorted
    .map((f) => `${encodeURIComponent(f)}=${encodeURIComponent(String(values[f]))}`)
    .join(';');
}

/** Inverse of `stratumKey` (factor → value). */
export function parseStratumKey(key: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (key === UNSTRATIFIED_KEY || key === '') {
    return out;
  }
  for (const part of key.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new Error(`malformed stratum key '${key}'`);
    }
    out[decodeURIComponent(part.slice(0, eq))] = decodeURIComponent(part.slice(eq + 1));
  }
  return out;
}

/** The per-block seed string: `${seedHex}|${stratumKey}|${blockIndex}`. */
export function blockSeedString(
  seedHex: string,
  stratumKeyValue: string,
  blockIndex: number,
): string {
  return `${seedHex}|${stratumKeyValue}|${blockIndex}`;
}

function assertBlockIndex(blockIndex: number): void {
  if (!Number.isSafeInteger(blockIndex) || blockIndex < 0) {
    throw new Error(`block index must be a non-negative integer (got ${blockIndex})`);
  }
}

function assertPosition(position: number): void {
  if (!Number.isSafeInteger(position) || position < 1) {
    throw new Error(`sequence position must be a positive integer, 1-based (got ${position})`);
  }
}

/** Core of the recipe; expects a normalised seed and config. */
function buildBlock(
  seed: string,
  config: RandomizationConfig,
  key: string,
  blockIndex: number,
): SequenceBlock {
  const prng = seedrandom(blockSeedString(seed, key, blockIndex));
  const sizes = config.blockSizes;
  const size = sizes[Math.floor(prng() * sizes.length)];
  const reps = size / ratioSum(config);
  const arms: string[] = [];
  for (const arm of config.arms) {
    for (let r = 0; r < reps * arm.ratio; r++) {
      arms.push(arm.code);
    }
  }
  for (let i = arms.length - 1; i > 0; i--) {
    const j = Math.floor(prng() * (i + 1));
    const t = arms[i];
    arms[i] = arms[j];
    arms[j] = t;
  }
  return { stratumKey: key, blockIndex, size, arms };
}

/** Block `blockIndex` (0-based) of a stratum. */
export function generateBlock(
  seedHex: string,
  config: RandomizationConfigInput,
  stratumKeyValue: string,
  blockIndex: number,
): SequenceBlock {
  assertBlockIndex(blockIndex);
  return buildBlock(normalizeSeed(seedHex), assertValidConfig(config), stratumKeyValue, blockIndex);
}

/**
 * The sequence of one stratum with a cache of the blocks generated so far: position n costs
 * O(1) amortised when positions are visited in order, O(log b) by binary search afterwards, and
 * each block is generated exactly once. Holds the secret seed: keep instances short-lived and on
 * the server side.
 */
export class StratumSequence implements Iterable<SequenceSlot> {
  private readonly seed: string;
  private readonly config: RandomizationConfig;
  private readonly blocks: SequenceBlock[] = [];
  /** starts[k] = sequence number of the first position of block k. */
  private readonly starts: number[] = [];
  private covered = 0;

  constructor(
    seedHex: string,
    config: RandomizationConfigInput,
    readonly stratumKey: string,
  ) {
    this.seed = normalizeSeed(seedHex);
    this.config = assertValidConfig(config);
  }

  /** How many blocks have been generated (each exactly once). */
  get generatedBlockCount(): number {
    return this.blocks.length;
  }

  /** Block k (0-based), generating earlier blocks as needed. */
  block(blockIndex: number): SequenceBlock {
    assertBlockIndex(blockIndex);
    while (this.blocks.length <= blockIndex) {
      this.extend();
    }
    return this.blocks[blockIndex];
  }

  /** The blocks that together cover positions 1…position (the last may extend past it). */
  blocksUpTo(position: number): SequenceBlock[] {
    assertPosition(position);
    while (this.covered < position) {
      this.extend();
    }
    return this.blocks.slice(0, this.blockIndexOf(position) + 1);
  }

  /** The slot at a 1-based position of this stratum. */
  at(position: number): SequenceSlot {
    assertPosition(position);
    while (this.covered < position) {
      this.extend();
    }
    const k = this.blockIndexOf(position);
    const block = this.blocks[k];
    const positionInBlock = position - this.starts[k] + 1;
    return {
      stratumKey: this.stratumKey,
      sequenceNumber: position,
      arm: block.arms[positionInBlock - 1],
      blockIndex: k,
      positionInBlock,
      blockSize: block.size,
    };
  }

  /** Slots 1…n. */
  take(n: number): SequenceSlot[] {
    const out: SequenceSlot[] = [];
    for (let p = 1; p <= n; p++) {
      out.push(this.at(p));
    }
    return out;
  }

  /** Endless iteration from position 1. */
  *[Symbol.iterator](): Iterator<SequenceSlot> {
    for (let p = 1; ; p++) {
      yield this.at(p);
    }
  }

  private extend(): void {
    const k = this.blocks.length;
    const block = buildBlock(this.seed, this.config, this.stratumKey, k);
    this.blocks.push(block);
    this.starts.push(this.covered + 1);
    this.covered += block.size;
  }

  private blockIndexOf(position: number): number {
    // Fast path for sequential use: the last block.
    const last = this.blocks.length - 1;
    if (this.starts[last] <= position) {
      return last;
    }
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= position) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}

/**
 * The slot at a 1-based position of a stratum. A single call generates the blocks up to that
 * position (O(position)); for repeated or sequential use keep a `StratumSequence`, or use
 * `nextSlot` with the previous allocation.
 */
export function armAt(
  seedHex: string,
  config: RandomizationConfigInput,
  stratumKeyValue: string,
  position: number,
): SequenceSlot {
  assertPosition(position);
  return new StratumSequence(seedHex, config, stratumKeyValue).at(position);
}

/** Slots 1…n of a stratum. */
export function sequenceFor(
  seedHex: string,
  config: RandomizationConfigInput,
  stratumKeyValue: string,
  n: number,
): SequenceSlot[] {
  return new StratumSequence(seedHex, config, stratumKeyValue).take(n);
}

/**
 * The slot after `previous` (or the first slot when `previous` is null), generating at most two
 * blocks whatever the position: what an allocation transaction needs, given the last allocation
 * of the stratum (its sequence number, block index and position in block).
 */
export function nextSlot(
  seedHex: string,
  config: RandomizationConfigInput,
  stratumKeyValue: string,
  previous: Pick<SequenceSlot, 'sequenceNumber' | 'blockIndex' | 'positionInBlock'> | null,
): SequenceSlot {
  const seed = normalizeSeed(seedHex);
  const cfg = assertValidConfig(config);
  let blockIndex = 0;
  let positionInBlock = 1;
  let sequenceNumber = 1;
  if (previous !== null) {
    assertPosition(previous.sequenceNumber);
    assertBlockIndex(previous.blockIndex);
    const prevBlock = buildBlock(seed, cfg, stratumKeyValue, previous.blockIndex);
    if (
      !Number.isSafeInteger(previous.positionInBlock) ||
      previous.positionInBlock < 1 ||
      previous.positionInBlock > prevBlock.size
    ) {
      throw new Error(
        `previous position in block ${previous.positionInBlock} is outside block ${previous.blockIndex} of size ${prevBlock.size}`,
      );
    }
    sequenceNumber = previous.sequenceNumber + 1;
    if (previous.positionInBlock < prevBlock.size) {
      blockIndex = previous.blockIndex;
      positionInBlock = previous.positionInBlock + 1;
      return {
        stratumKey: stratumKeyValue,
        sequenceNumber,
        arm: prevBlock.arms[positionInBlock - 1],
        blockIndex,
        positionInBlock,
        blockSize: prevBlock.size,
      };
    }
    blockIndex = previous.blockIndex + 1;
  }
  const block = buildBlock(seed, cfg, stratumKeyValue, blockIndex);
  return {
    stratumKey: stratumKeyValue,
    sequenceNumber,
    arm: block.arms[positionInBlock - 1],
    blockIndex,
    positionInBlock,
    blockSize: block.size,
  };
}
