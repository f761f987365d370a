/**
 * Simulation before go-live, next to exact theoretical values.
 *
 * Imbalance is ratio-scaled: max_i(n_i / w_i) − min_i(n_i / w_i) within a stratum, i.e. |nA − nB|
 * at 1:1. With permuted blocks it never exceeds (largest block size) / (ratio sum), reached when a
 * block starts with every copy of one arm.
 *
 * Predictability: before each allocation an observer who knows the arms allocated so far in the
 * stratum and where blocks end (worst case) guesses the arm that is "behind" in the current block,
 * i.e. with the smallest count / ratio weight in that block, choosing uniformly among tied arms
 * (Blackwell–Hodges convergence strategy; at 1:1 the same guesses follow from the stratum totals
 * alone, since completed blocks are balanced). The theoretical share of correct guesses is exact:
 * dynamic programming over the block states (arm counts used so far) gives E_S, the expected number
 * of correct guesses in a block of size S; with sizes drawn uniformly per block the long-run share
 * per allocation is Σ_S E_S / Σ_S S (renewal–reward: expected correct per block over expected block
 * length). At 1:1, E_{2m} = m + ½(4^m / C(2m, m) − 1): 3/4 for size 2, 17/24 per allocation for
 * size 4, 13/18 for {2, 4}.
 */
import { StratumSequence } from './block-sequence';
import {
  assertValidConfig,
  generateSeed,
  RandomizationConfig,
  RandomizationConfigInput,
  ratioSum,
} from './randomization-config';
import { scaledImbalance } from './balance';

/** A seeded PRNG returning doubles in [0, 1), e.g. a `seedrandom('…')` instance. */
export type Rng = () => number;

export interface ExactFraction {
  /** Decimal integer strings (bigint-safe, JSON-friendly). */
  numerator: string;
  denominator: string;
  /** e.g. '17/24'. */
  text: string;
  value: number;
}

export interface BlockSizePredictability {
  blockSize: number;
  /** E_S: expected number of correct guesses over one block. */
  expectedCorrectPerBlock: ExactFraction;
  /** E_S / S. */
  perAllocation: ExactFraction;
}

export interface TheoreticalPredictability {
  perBlockSize: BlockSizePredictability[];
  /** Σ_S E_S / Σ_S S (block sizes equally likely). */
  perAllocation: ExactFraction;
}

export interface SimulationInput {
  config: RandomizationConfigInput;
  participants: number;
  /** Stratum keys, optionally with relative weights (default 1) for spreading the participants. */
  strata: ReadonlyArray<string | { key: string; weight?: number }>;
  rng: Rng;
  /** Seed of the simulated sequence; default 32 bytes drawn from `rng`. */
  seedHex?: string;
}

export interface StratumSimulation {
  stratumKey: string;
  participants: number;
  countsByArm: Record<string, number>;
  maxImbalance: number;
  finalImbalance: number;
}

export interface SimulationResult {
  participants: number;
  strata: StratumSimulation[];
  /** Largest ratio-scaled imbalance reached in any stratum at any time. */
  maxImbalance: number;
  theoreticalMaxImbalance: number;
  /** Same, over all strata pooled (can exceed the per-stratum bound, by up to one bound per stratum). */
  maxPooledImbalance: number;
  predictability: { correct: number; guesses: number; share: number };
  theoreticalPredictability: TheoreticalPredictability;
  /** Share of correct guesses of an observer guessing uniformly among arms. */
  chanceLevel: number;
  /** Blocks started in the simulation, by size. */
  blockSizes: Array<{ blockSize: number; blocks: number; share: number }>;
}

// ---------- exact arithmetic ----------

class Fraction {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint, d: bigint = 1n) {
    if (d === 0n) {
      throw new Error('division by zero');
    }
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = Fraction.gcd(n < 0n ? -n : n, d);
    this.n = g === 0n ? 0n : n / g;
    this.d = g === 0n ? 1n : d / g;
  }
  static gcd(a: bigint, b: bigint): bigint {
    while (b !== 0n) {
      [a, b] = [b, a % b];
    }
    return a;
  }
  add(o: Fraction): Fraction {
    return new Fraction(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  mul(o: Fraction): Fraction {
    return new Fraction(this.n * o.n, this.d * o.d);
  }
  div(o: Fraction): Fraction {
    return new Fraction(this.n * o.d, this.d * o.n);
  }
  toExact(): ExactFraction {
    return {
      numerator: this.n.toString(),
      denominator: this.d.toString(),
      text: `${this.n}/${this.d}`,
      value: Number(this.n) / Number(this.d),
    };
  }
}

/** Arms tied for "behind": smallest used / weight (compared exactly by cross-multiplication). */
function behindArms(used: readonly number[], weights: readonly number[]): number[] {
  let best: number[] = [];
  for (let i = 0; i < used.length; i++) {
    if (best.length === 0) {
      best = [i];
      continue;
    }
    const b = best[0];
    const lhs = used[i] * weights[b];
    const rhs = used[b] * weights[i];
    if (lhs < rhs) {
      best = [i];
    } else if (lhs === rhs) {
      best.push(i);
    }
  }
  return best;
}

/** E_S for one block size: expected correct guesses of the convergence strategy, exactly. */
export function expectedCorrectGuessesInBlock(
  weights: readonly number[],
  blockSize: number,
): ExactFraction {
  return expectedCorrectFraction(weights, blockSize).toExact();
}

function expectedCorrectFraction(weights: readonly number[], blockSize: number): Fraction {
  const total = weights.reduce((s, w) => s + w, 0);
  if (
    weights.length < 1 ||
    weights.some((w) => !Number.isSafeInteger(w) || w <= 0) ||
    blockSize % total !== 0 ||
    blockSize <= 0
  ) {
    throw new Error(`block size ${blockSize} is not a positive multiple of the ratio sum ${total}`);
  }
  const m = blockSize / total;
  const quota = weights.map((w) => w * m);
  const memo = new Map<string, Fraction>();
  const solve = (used: number[]): Fraction => {
    const key = used.join(',');
    const hit = memo.get(key);
    if (hit !== undefined) {
      return hit;
    }
    const remaining = quota.map((q, i) => q - used[i]);
    const R = remaining.reduce((s, r) => s + r, 0);
    if (R === 0) {
      return new Fraction(0n);
    }
    const guess = behindArms(used, weights);
    // P(correct) = (1/|G|) Σ_{i∈G} r_i / R
    let value = new Fraction(
      BigInt(guess.reduce((s, i) => s + remaining[i], 0)),
      BigInt(guess.length * R),
    );
    for (let i = 0; i < used.length; i++) {
      if (remaining[i] === 0) {
        continue;
      }
      used[i] += 1;
      const next = solve(used);
      used[i] -= 1;
      value = value.add(new Fraction(BigInt(remaining[i]), BigInt(R)).mul(next));
    }
    memo.set(key, value);
    return value;
  };
  return solve(weights.map(() => 0));
}

/** Exact theoretical predictability of the convergence strategy for a configuration. */
export function theoreticalPredictability(
  config: RandomizationConfigInput,
): TheoreticalPredictability {
  const cfg = assertValidConfig(config);
  const weights = cfg.arms.map((a) => a.ratio);
  let sumE = new Fraction(0n);
  let sumS = 0;
  const perBlockSize = cfg.blockSizes.map((size) => {
    const e = expectedCorrectFraction(weights, size);
    sumE = sumE.add(e);
    sumS += size;
    return {
      blockSize: size,
      expectedCorrectPerBlock: e.toExact(),
      perAllocation: e.div(new Fraction(BigInt(size))).toExact(),
    };
  });
  return { perBlockSize, perAllocation: sumE.div(new Fraction(BigInt(sumS))).toExact() };
}

/** Largest ratio-scaled imbalance permuted blocks can reach in a stratum: max block size / ratio sum. */
export function theoreticalMaxImbalance(config: RandomizationConfigInput): number {
  const cfg: RandomizationConfig = assertValidConfig(config);
  return Math.max(...cfg.blockSizes) / ratioSum(cfg);
}

// ---------- simulation ----------

function pickIndex(rng: Rng, n: number): number {
  const u = rng();
  if (!(u >= 0 && u < 1)) {
    throw new Error(`rng must return a number in [0, 1), got ${u}`);
  }
  return Math.min(n - 1, Math.floor(u * n));
}

export function simulate(input: SimulationInput): SimulationResult {
  const cfg = assertValidConfig(input.config);
  const { rng } = input;
  if (!Number.isSafeInteger(input.participants) || input.participants < 0) {
    throw new Error(`participants must be a non-negative integer (got ${input.participants})`);
  }
  const strata = input.strata.map((s) =>
    typeof s === 'string' ? { key: s, weight: 1 } : { key: s.key, weight: s.weight ?? 1 },
  );
  if (strata.length === 0) {
    throw new Error('at least one stratum is required');
  }
  if (new Set(strata.map((s) => s.key)).size !== strata.length) {
    throw new Error('stratum keys must be distinct');
  }
  if (strata.some((s) => !(Number.isFinite(s.weight) && s.weight > 0))) {
    throw new Error('stratum weights must be positive numbers');
  }
  const totalWeight = strata.reduce((s, x) => s + x.weight, 0);

  const seedHex =
    input.seedHex ??
    generateSeed((n) => Buffer.from(Array.from({ length: n }, () => pickIndex(rng, 256))));
  const weights = cfg.arms.map((a) => a.ratio);
  const armIndex = new Map(cfg.arms.map((a, i) => [a.code, i]));

  interface State {
    key: string;
    seq: StratumSequence;
    next: number;
    counts: Record<string, number>;
    inBlock: number[];
    maxImbalance: number;
  }
  const states: State[] = strata.map((s) => ({
    key: s.key,
    seq: new StratumSequence(seedHex, cfg, s.key),
    next: 1,
    counts: Object.fromEntries(cfg.arms.map((a) => [a.code, 0])),
    inBlock: cfg.arms.map(() => 0),
    maxImbalance: 0,
  }));
  const pooled: Record<string, number> = Object.fromEntries(cfg.arms.map((a) => [a.code, 0]));
  const blockSizeCounts = new Map<number, number>(cfg.blockSizes.map((s) => [s, 0]));

  let maxImbalance = 0;
  let maxPooledImbalance = 0;
  let correct = 0;

  for (let p = 0; p < input.participants; p++) {
    // choose the stratum by weight
    let u = rng() * totalWeight;
    let st = states[states.length - 1];
    for (let i = 0; i < strata.length; i++) {
      u -= strata[i].weight;
      if (u < 0) {
        st = states[i];
        break;
      }
    }

    // the observer guesses before the allocation is revealed
    const tied = behindArms(st.inBlock, weights);
    const guess = tied.length === 1 ? tied[0] : tied[pickIndex(rng, tied.length)];

    const slot = st.seq.at(st.next);
    st.next += 1;
    const ai = armIndex.get(slot.arm);
    if (ai === undefined) {
      throw new Error(`sequence produced unknown arm '${slot.arm}'`);
    }
    if (ai === guess) {
      correct += 1;
    }
    if (slot.positionInBlock === 1) {
      blockSizeCounts.set(slot.blockSize, (blockSizeCounts.get(slot.blockSize) ?? 0) + 1);
    }

    st.counts[slot.arm] += 1;
    pooled[slot.arm] += 1;
    st.inBlock[ai] += 1;
    if (slot.positionInBlock === slot.blockSize) {
      st.inBlock.fill(0);
    }

    const imb = scaledImbalance(st.counts, cfg.arms);
    if (imb > st.maxImbalance) {
      st.maxImbalance = imb;
    }
    if (imb > maxImbalance) {
      maxImbalance = imb;
    }
    const pImb = scaledImbalance(pooled, cfg.arms);
    if (pImb > maxPooledImbalance) {
      maxPooledImbalance = pImb;
    }
  }

  const totalBlocks = [...blockSizeCounts.values()].reduce((s, n) => s + n, 0);
  return {
    participants: input.participants,
    strata: states.map((s) => ({
      stratumKey: s.key,
      participants: s.next - 1,
      countsByArm: s.counts,
      maxImbalance: s.maxImbalance,
      finalImbalance: scaledImbalance(s.counts, cfg.arms),
    })),
    maxImbalance,
    theoreticalMaxImbalance: theoreticalMaxImbalance(cfg),
    maxPooledImbalance,
    predictability: {
      correct,
      guesses: input.participants,
      share: input.participants === 0 ? 0 : correct / input.participants,
    },
    theoreticalPredictability: theoreticalPredictability(cfg),
    chanceLevel: 1 / cfg.arms.length,
    blockSizes: [...blockSizeCounts.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([blockSize, blocks]) => ({
        blockSize,
        blocks,
        share: totalBlocks === 0 ? 0 : blocks / totalBlocks,
      })),
  };
}
