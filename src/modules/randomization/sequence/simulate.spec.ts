import seedrandom from 'seedrandom';
import { RandomizationConfigInput } from './randomization-config';
import {
  expectedCorrectGuessesInBlock,
  simulate,
  theoreticalMaxImbalance,
  theoreticalPredictability,
} from './simulate';

const STRATA = ['country=NL', 'country=NO', 'country=SE', 'country=DK'];
const TWO_TO_ONE: RandomizationConfigInput = {
  arms: [
    { code: 'A', label: 'aHSCT', ratio: 2 },
    { code: 'B', label: 'DMT', ratio: 1 },
  ],
  blockSizes: [3, 6],
};

/** Brute force: average over every distinct arrangement of the block of the strategy's expected hits. */
function bruteForce(weights: number[], size: number): number {
  const m = size / weights.reduce((s, w) => s + w, 0);
  const base = weights.flatMap((w, i) => Array<number>(w * m).fill(i));
  const arrangements = new Set<string>();
  const permute = (rest: number[], acc: number[]): void => {
    if (rest.length === 0) {
      arrangements.add(acc.join(','));
      return;
    }
    const seen = new Set<number>();
    rest.forEach((x, i) => {
      if (seen.has(x)) {
        return;
      }
      seen.add(x);
      permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, x]);
    });
  };
  permute(base, []);
  let total = 0;
  for (const a of arrangements) {
    const seq = a.split(',').map(Number);
    const used = weights.map(() => 0);
    let hits = 0;
    for (const arm of seq) {
      const scores = used.map((u, i) => u / weights[i]);
      const min = Math.min(...scores);
      const tied = scores.map((s, i) => (Math.abs(s - min) < 1e-12 ? i : -1)).filter((i) => i >= 0);
      if (tied.includes(arm)) {
        hits += 1 / tied.length;
      }
      used[arm] += 1;
    }
    total += hits;
  }
  return total / arrangements.size;
}

function binomial(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 1; i <= k; i++) {
    r = (r * BigInt(n - k + i)) / BigInt(i);
  }
  return r;
}

describe('theoretical values', () => {
  it('reproduces the known 1:1 values: block 2 → 3/4, block 4 → 17/24, {2, 4} → 13/18 per allocation', () => {
    const t = theoreticalPredictability({});
    expect(
      t.perBlockSize.map((b) => [
        b.blockSize,
        b.expectedCorrectPerBlock.text,
        b.perAllocation.text,
      ]),
    ).toEqual([
      [2, '3/2', '3/4'],
      [4, '17/6', '17/24'],
    ]);
    expect(t.perAllocation.text).toBe('13/18'); // (3/2 + 17/6) / (2 + 4)
    expect(t.perAllocation.value).toBeCloseTo(0.72222, 5);
    expect(theoreticalPredictability({ blockSizes: [4] }).perAllocation.value).toBeCloseTo(
      17 / 24,
      12,
    );
  });

  it('matches the closed form m + ½(4^m / C(2m, m) − 1) at 1:1 for block sizes 2…16', () => {
    for (let m = 1; m <= 8; m++) {
      // m + (4^m − C)/(2C) = (2mC + 4^m − C) / (2C)
      const c = binomial(2 * m, m);
      let num = 2n * BigInt(m) * c + 4n ** BigInt(m) - c;
      let den = 2n * c;
      const g = (a: bigint, b: bigint): bigint => (b === 0n ? a : g(b, a % b));
      const d = g(num, den);
      num /= d;
      den /= d;
      expect(expectedCorrectGuessesInBlock([1, 1], 2 * m).text).toBe(`${num}/${den}`);
    }
  });

  it('agrees with brute-force enumeration for unequal ratios and three arms', () => {
    for (const [weights, size] of [
      [[2, 1], 3],
      [[2, 1], 6],
      [[3, 1], 8],
      [[1, 1, 1], 3],
      [[1, 1, 1], 6],
      [[2, 1, 1], 8],
    ] as Array<[number[], number]>) {
      expect(expectedCorrectGuessesInBlock(weights, size).value).toBeCloseTo(
        bruteForce(weights, size),
        10,
      );
    }
  });

  it('gives the largest possible imbalance: max block size / ratio sum', () => {
    expect(theoreticalMaxImbalance({})).toBe(2);
    expect(theoreticalMaxImbalance({ blockSizes: [2, 4, 6] })).toBe(3);
    expect(theoreticalMaxImbalance(TWO_TO_ONE)).toBe(2);
  });
});

describe('simulate', () => {
  it('1:1 {2, 4}, 100,000 participants over 4 strata: simulated values match the theory', () => {
    const spy = jest.spyOn(Math, 'random');
    const r = simulate({
      config: {},
      participants: 100_000,
      strata: STRATA,
      rng: seedrandom('simulation-1'),
    });
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();

    expect(r.participants).toBe(100_000);
    expect(r.strata.reduce((s, x) => s + x.participants, 0)).toBe(100_000);
    for (const s of r.strata) {
      expect(s.participants).toBeGreaterThan(24_000);
    } // equal weights
    expect(r.theoreticalMaxImbalance).toBe(2);
    expect(r.maxImbalance).toBe(2); // reached, never exceeded
    for (const s of r.strata) {
      expect(s.finalImbalance).toBeLessThanOrEqual(2);
    }
    expect(r.maxPooledImbalance).toBeLessThanOrEqual(8);
    expect(r.chanceLevel).toBe(0.5);
    // standard error ≈ 0.0014; a tolerance of 0.006 is > 4 SE
    expect(Math.abs(r.predictability.share - 13 / 18)).toBeLessThan(0.006);
    expect(r.theoreticalPredictability.perAllocation.text).toBe('13/18');
    // block sizes as a share of blocks: 1/2 each
    for (const b of r.blockSizes) {
      expect(Math.abs(b.share - 0.5)).toBeLessThan(0.01);
    }
  });

  it('is reproducible for the same PRNG seed and differs for another', () => {
    const a = simulate({ config: {}, participants: 2_000, strata: STRATA, rng: seedrandom('x') });
    const b = simulate({ config: {}, participants: 2_000, strata: STRATA, rng: seedrandom('x') });
    const c = simulate({ config: {}, participants: 2_000, strata: STRATA, rng: seedrandom('y') });
    expect(b).toEqual(a);
    expect(c.predictability.correct).not.toBe(a.predictability.correct);
  });

  it.each([
    [[2], 0.75],
    [[4], 17 / 24],
    [[6], 41 / 60],
  ])('block sizes %j: predictability close to %d', (sizes, expected) => {
    const r = simulate({
      config: { blockSizes: sizes },
      participants: 40_000,
      strata: ['*'],
      rng: seedrandom(`sizes-${sizes.join()}`),
    });
    expect(r.theoreticalPredictability.perAllocation.value).toBeCloseTo(expected, 12);
    expect(Math.abs(r.predictability.share - expected)).toBeLessThan(0.01);
    expect(r.maxImbalance).toBe(sizes[0] / 2);
  });

  it('2:1 {3, 6}: predictability and imbalance as the theory says', () => {
    const r = simulate({
      config: TWO_TO_ONE,
      participants: 60_000,
      strata: [
        { key: 'country=NL', weight: 1 },
        { key: 'country=NO', weight: 3 },
      ],
      rng: seedrandom('two-to-one'),
    });
    expect(r.theoreticalPredictability.perAllocation.text).toBe('187/270');
    expect(Math.abs(r.predictability.share - 187 / 270)).toBeLessThan(0.01);
    expect(r.maxImbalance).toBe(2);
    const [nl, no] = r.strata;
    expect(no.participants / nl.participants).toBeGreaterThan(2.8);
    expect(no.participants / nl.participants).toBeLessThan(3.2);
    expect(nl.countsByArm.A / (nl.countsByArm.A + nl.countsByArm.B)).toBeCloseTo(2 / 3, 2);
  });

  it('refuses bad input', () => {
    expect(() =>
      simulate({ config: {}, participants: 10, strata: [], rng: seedrandom('z') }),
    ).toThrow('at least one stratum');
    expect(() =>
      simulate({ config: {}, participants: 10, strata: ['a', 'a'], rng: seedrandom('z') }),
    ).toThrow('distinct');
    expect(() =>
      simulate({ config: {}, participants: -1, strata: ['a'], rng: seedrandom('z') }),
    ).toThrow('non-negative');
    expect(() => simulate({ config: {}, participants: 10, strata: ['a'], rng: () => 1 })).toThrow(
      '[0, 1)',
    );
    expect(() =>
      simulate({
        config: { blockSizes: [3] },
        participants: 10,
        strata: ['a'],
        rng: seedrandom('z'),
      }),
    ).toThrow('not a multiple');
  });
});
