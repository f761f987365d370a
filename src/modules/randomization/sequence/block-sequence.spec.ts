import fc from 'fast-check';
import seedrandom from 'seedrandom';
import {
  armAt,
  blockSeedString,
  generateBlock,
  nextSlot,
  parseStratumKey,
  SequenceBlock,
  sequenceFor,
  SequenceSlot,
  StratumSequence,
  stratumKey,
} from './block-sequence';
import { defaultRandomizationConfig, RandomizationConfigInput } from './randomization-config';

const SEED = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const SEED2 = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';
const CFG = defaultRandomizationConfig();
const TWO_TO_ONE: RandomizationConfigInput = {
  arms: [
    { code: 'A', label: 'aHSCT', ratio: 2 },
    { code: 'B', label: 'DMT', ratio: 1 },
  ],
  blockSizes: [3, 6],
};

/** Chi-square statistic of observed counts against expected counts. */
function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((s, o, i) => s + (o - expected[i]) ** 2 / expected[i], 0);
}
/** Upper 0.1 % points of the chi-square distribution by degrees of freedom. */
const CHI2_999: Record<number, number> = { 1: 10.828, 2: 13.816, 5: 20.515, 14: 36.123 };

const arms = (slots: SequenceSlot[]): string => slots.map((s) => s.arm).join('');
const hexSeed = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => Buffer.from(b).toString('hex'));

describe('stratum key', () => {
  it('is canonical: factors sorted, name=value, joined by ;', () => {
    expect(stratumKey(['country'], { country: 'NL' })).toBe('country=NL');
    expect(stratumKey(['site', 'country'], { site: 'VUMC', country: 'NL', other: 'ignored' })).toBe(
      'country=NL;site=VUMC',
    );
    expect(stratumKey(['country', 'site'], { country: 'NL', site: 'VUMC' })).toBe(
      'country=NL;site=VUMC',
    );
    expect(stratumKey([], {})).toBe('*');
  });

  it('escapes separators so different values never collide', () => {
    const k = stratumKey(['country', 'site'], { country: 'N|L;x=1', site: 'a b' });
    expect(k).toBe('country=N%7CL%3Bx%3D1;site=a%20b');
    expect(parseStratumKey(k)).toEqual({ country: 'N|L;x=1', site: 'a b' });
    expect(parseStratumKey('*')).toEqual({});
  });

  it('refuses a missing value', () => {
    expect(() => stratumKey(['country', 'site'], { country: 'NL', site: '' })).toThrow(
      "missing value for strata factor 'site'",
    );
  });
});

describe('block sequence', () => {
  it('[REQ-RAND-001] follows the documented recipe exactly (independent re-implementation with seedrandom)', () => {
    const recompute = (seed: string, key: string, k: number): { size: number; arms: string[] } => {
      const prng = seedrandom(`${seed}|${key}|${k}`);
      const size = [2, 4][Math.floor(prng() * 2)];
      const block = [...Array<string>(size / 2).fill('A'), ...Array<string>(size / 2).fill('B')];
      for (let i = size - 1; i > 0; i--) {
        const j = Math.floor(prng() * (i + 1));
        [block[i], block[j]] = [block[j], block[i]];
      }
      return { size, arms: block };
    };
    expect(blockSeedString(SEED, 'country=NL', 7)).toBe(`${SEED}|country=NL|7`);
    for (const key of ['country=NL', 'country=NO']) {
      for (let k = 0; k < 200; k++) {
        const b = generateBlock(SEED, CFG, key, k);
        expect({ size: b.size, arms: b.arms }).toEqual(recompute(SEED, key, k));
      }
    }
  });

  it('[REQ-RAND-001] is pinned for a known seed (guards against silent algorithm changes)', () => {
    expect(arms(sequenceFor(SEED, CFG, 'country=NL', 12))).toBe('ABBAAABBBABA');
    expect(arms(sequenceFor(SEED, CFG, 'country=NO', 12))).toBe('ABBAABBAABBA');
  });

  it('gives the same list for the same seed', () => {
    fc.assert(
      fc.property(
        hexSeed,
        fc.constantFrom('country=NL', 'country=NO', 'country=SE', 'country=DK'),
        (seed, key) => {
          const a = sequenceFor(seed, CFG, key, 300);
          const b = new StratumSequence(seed.toUpperCase(), { ...CFG }, key).take(300);
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('gives different lists for different strata and different seeds', () => {
    const nl = arms(sequenceFor(SEED, CFG, 'country=NL', 200));
    expect(arms(sequenceFor(SEED, CFG, 'country=NO', 200))).not.toBe(nl);
    expect(arms(sequenceFor(SEED2, CFG, 'country=NL', 200))).not.toBe(nl);
    fc.assert(
      fc.property(hexSeed, hexSeed, (s1, s2) => {
        fc.pre(s1 !== s2);
        expect(arms(sequenceFor(s1, CFG, 'country=NL', 100))).not.toBe(
          arms(sequenceFor(s2, CFG, 'country=NL', 100)),
        );
        expect(arms(sequenceFor(s1, CFG, 'country=NL', 100))).not.toBe(
          arms(sequenceFor(s1, CFG, 'country=SE', 100)),
        );
      }),
      { numRuns: 30 },
    );
  });

  it('[REQ-RAND-001] balances every complete block exactly (1:1 and 2:1, property)', () => {
    const check = (
      config: RandomizationConfigInput,
      seed: string,
      key: string,
      counts: Record<number, Record<string, number>>,
    ): void => {
      const seq = new StratumSequence(seed, config, key);
      for (let k = 0; k < 50; k++) {
        const b = seq.block(k);
        const tally: Record<string, number> = {};
        for (const a of b.arms) {
          tally[a] = (tally[a] ?? 0) + 1;
        }
        expect(b.arms).toHaveLength(b.size);
        expect(tally).toEqual(counts[b.size]);
      }
    };
    fc.assert(
      fc.property(hexSeed, fc.string({ minLength: 1, maxLength: 12 }), (seed, value) => {
        const key = stratumKey(['country'], { country: value });
        check(CFG, seed, key, { 2: { A: 1, B: 1 }, 4: { A: 2, B: 2 } });
        check(TWO_TO_ONE, seed, key, { 3: { A: 2, B: 1 }, 6: { A: 4, B: 2 } });
      }),
      { numRuns: 50 },
    );
  });

  it('numbers positions 1-based within the stratum and the block, blocks 0-based and contiguous', () => {
    const slots = sequenceFor(SEED, CFG, 'country=NL', 500);
    let expectedBlock = 0;
    let expectedPos = 1;
    slots.forEach((s, i) => {
      expect(s.sequenceNumber).toBe(i + 1);
      expect(s.blockIndex).toBe(expectedBlock);
      expect(s.positionInBlock).toBe(expectedPos);
      expect([2, 4]).toContain(s.blockSize);
      if (s.positionInBlock === s.blockSize) {
        expectedBlock += 1;
        expectedPos = 1;
      } else {
        expectedPos += 1;
      }
    });
  });

  it('armAt, StratumSequence, blocksUpTo, iteration and nextSlot agree', () => {
    const seq = new StratumSequence(SEED, CFG, 'country=DK');
    const listed = seq.take(300);
    for (const p of [1, 2, 3, 17, 150, 300]) {
      expect(armAt(SEED, CFG, 'country=DK', p)).toEqual(listed[p - 1]);
    }

    let prev: SequenceSlot | null = null;
    for (const expected of listed) {
      const slot: SequenceSlot = nextSlot(SEED, CFG, 'country=DK', prev);
      expect(slot).toEqual(expected);
      prev = slot;
    }

    const iterated: SequenceSlot[] = [];
    for (const s of new StratumSequence(SEED, CFG, 'country=DK')) {
      iterated.push(s);
      if (iterated.length === 300) {
        break;
      }
    }
    expect(iterated).toEqual(listed);

    const blocks: SequenceBlock[] = seq.blocksUpTo(150);
    const last = blocks[blocks.length - 1];
    expect(last.blockIndex).toBe(listed[149].blockIndex);
    expect(
      blocks
        .flatMap((b) => b.arms)
        .slice(0, 150)
        .join(''),
    ).toBe(arms(listed.slice(0, 150)));
    expect(blocks.reduce((s, b) => s + b.size, 0) - last.size).toBeLessThan(150);
  });

  it('computes position n without quadratic cost: every block is generated exactly once', () => {
    const seq = new StratumSequence(SEED, CFG, 'country=NL');
    for (let p = 1; p <= 20_000; p++) {
      seq.at(p);
    }
    const blocksNeeded = seq.at(20_000).blockIndex + 1;
    expect(seq.generatedBlockCount).toBe(blocksNeeded);
    seq.at(1); // going back reuses the cache
    seq.at(10_000);
    expect(seq.generatedBlockCount).toBe(blocksNeeded);
  });

  it('refuses invalid positions, block indices and a previous slot outside its block', () => {
    expect(() => armAt(SEED, CFG, 'country=NL', 0)).toThrow('positive integer');
    expect(() => armAt(SEED, CFG, 'country=NL', 1.5)).toThrow('positive integer');
    expect(() => generateBlock(SEED, CFG, 'country=NL', -1)).toThrow('non-negative');
    expect(() => generateBlock('short', CFG, 'country=NL', 0)).toThrow('invalid seed');
    expect(() => generateBlock(SEED, { blockSizes: [3] }, 'country=NL', 0)).toThrow(
      'not a multiple',
    );
    const size = generateBlock(SEED, CFG, 'country=NL', 0).size;
    expect(() =>
      nextSlot(SEED, CFG, 'country=NL', {
        sequenceNumber: 1,
        blockIndex: 0,
        positionInBlock: size + 1,
      }),
    ).toThrow('outside block');
  });
});

describe('statistics over 100,000 allocations', () => {
  interface Tally {
    allocations: number;
    blocksBySize: Map<number, number>;
    /** arrangement (e.g. 'ABBA') → count, per block size */
    arrangements: Map<number, Map<string, number>>;
    armCounts: Map<string, number>;
  }

  const tally = (
    config: RandomizationConfigInput,
    total: number,
    strata: number,
    seed: string,
  ): Tally => {
    const t: Tally = {
      allocations: 0,
      blocksBySize: new Map(),
      arrangements: new Map(),
      armCounts: new Map(),
    };
    const perStratum = total / strata;
    for (let s = 0; s < strata; s++) {
      const seq = new StratumSequence(seed, config, `country=C${s}`);
      // count complete blocks only
      let covered = 0;
      for (let k = 0; covered < perStratum; k++) {
        const b = seq.block(k);
        if (covered + b.size > perStratum) {
          break;
        }
        covered += b.size;
        t.blocksBySize.set(b.size, (t.blocksBySize.get(b.size) ?? 0) + 1);
        const arr = t.arrangements.get(b.size) ?? new Map<string, number>();
        arr.set(b.arms.join(''), (arr.get(b.arms.join('')) ?? 0) + 1);
        t.arrangements.set(b.size, arr);
        for (const a of b.arms) {
          t.armCounts.set(a, (t.armCounts.get(a) ?? 0) + 1);
        }
      }
      t.allocations += covered;
    }
    return t;
  };

  const naiveShuffleArrangements = (blocks: number, rng: () => number): number[] => {
    // Deliberately biased shuffle (j drawn from the whole block), to show the test has power.
    const counts = new Map<string, number>();
    for (let n = 0; n < blocks; n++) {
      const b = ['A', 'A', 'B', 'B'];
      for (let i = 0; i < 4; i++) {
        const j = Math.floor(rng() * 4);
        [b[i], b[j]] = [b[j], b[i]];
      }
      counts.set(b.join(''), (counts.get(b.join('')) ?? 0) + 1);
    }
    return ['AABB', 'ABAB', 'ABBA', 'BAAB', 'BABA', 'BBAA'].map((a) => counts.get(a) ?? 0);
  };

  it('1:1, {2, 4}: block sizes equally frequent, blocks balanced, arrangements uniform', () => {
    const t = tally(CFG, 100_000, 10, SEED);
    expect(t.allocations).toBeGreaterThan(99_900);
    const b2 = t.blocksBySize.get(2) ?? 0;
    const b4 = t.blocksBySize.get(4) ?? 0;
    const blocks = b2 + b4;
    // block sizes drawn uniformly: share of blocks 1/2 each
    expect(chiSquare([b2, b4], [blocks / 2, blocks / 2])).toBeLessThan(CHI2_999[1]);
    expect(Math.abs(b2 / blocks - 0.5)).toBeLessThan(0.01);
    // complete blocks only → exactly balanced overall
    expect(t.armCounts.get('A')).toBe(t.allocations / 2);
    expect(t.armCounts.get('B')).toBe(t.allocations / 2);
    // within-block balance: every arrangement of a balanced block equally likely
    const arr2 = t.arrangements.get(2) ?? new Map<string, number>();
    expect([...arr2.keys()].sort()).toEqual(['AB', 'BA']);
    expect(chiSquare([...arr2.values()], [b2 / 2, b2 / 2])).toBeLessThan(CHI2_999[1]);
    const arr4 = t.arrangements.get(4) ?? new Map<string, number>();
    expect([...arr4.keys()].sort()).toEqual(['AABB', 'ABAB', 'ABBA', 'BAAB', 'BABA', 'BBAA']);
    expect(chiSquare([...arr4.values()], Array<number>(6).fill(b4 / 6))).toBeLessThan(CHI2_999[5]);
    // per position in a size-4 block, arm A has probability 1/2
    for (let pos = 0; pos < 4; pos++) {
      let a = 0;
      for (const [arrangement, n] of arr4) {
        if (arrangement[pos] === 'A') {
          a += n;
        }
      }
      expect(chiSquare([a, b4 - a], [b4 / 2, b4 / 2])).toBeLessThan(CHI2_999[1]);
    }
    // the same statistic rejects a biased (naive) shuffle of as many blocks
    const biased = naiveShuffleArrangements(b4, seedrandom('naive'));
    expect(chiSquare(biased, Array<number>(6).fill(b4 / 6))).toBeGreaterThan(CHI2_999[5]);
  });

  it('2:1, {3, 6}: block sizes equally frequent, arrangements uniform', () => {
    const t = tally(TWO_TO_ONE, 99_000, 9, SEED2);
    const b3 = t.blocksBySize.get(3) ?? 0;
    const b6 = t.blocksBySize.get(6) ?? 0;
    expect(chiSquare([b3, b6], [(b3 + b6) / 2, (b3 + b6) / 2])).toBeLessThan(CHI2_999[1]);
    expect(t.armCounts.get('A')).toBe((t.allocations * 2) / 3);
    const arr3 = t.arrangements.get(3) ?? new Map<string, number>();
    expect([...arr3.keys()].sort()).toEqual(['AAB', 'ABA', 'BAA']);
    expect(chiSquare([...arr3.values()], Array<number>(3).fill(b3 / 3))).toBeLessThan(CHI2_999[2]);
    const arr6 = t.arrangements.get(6) ?? new Map<string, number>();
    expect(arr6.size).toBe(15); // C(6, 2) arrangements of AAAABB
    expect(chiSquare([...arr6.values()], Array<number>(15).fill(b6 / 15))).toBeLessThan(
      CHI2_999[14],
    );
  });
});
