import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  assertValidConfig,
  canonicalConfigJson,
  canonicalJson,
  commitment,
  commitmentPreimage,
  defaultRandomizationConfig,
  generateSeed,
  InvalidRandomizationConfigError,
  normalizeConfig,
  normalizeSeed,
  RandomizationConfigInput,
  validateConfig,
  validateSeed,
  verifyCommitment,
} from './randomization-config';

const SEED = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const DEFAULT_JSON =
  '{"algorithm":"ram-ms/permuted-blocks/seedrandom-arc4/v1","arms":[{"code":"A","label":"aHSCT","ratio":1},' +
  '{"code":"B","label":"Best available high-efficacy DMT","ratio":1}],"blockSizes":[2,4],"strataFactors":["country"]}';

describe('randomisation configuration', () => {
  it('defaults to A/B 1:1, block sizes {2, 4}, stratified by country', () => {
    const r = normalizeConfig({});
    expect(r).toEqual({ ok: true, config: defaultRandomizationConfig() });
    expect(defaultRandomizationConfig()).toEqual({
      algorithm: 'ram-ms/permuted-blocks/seedrandom-arc4/v1',
      arms: [
        { code: 'A', label: 'aHSCT', ratio: 1 },
        { code: 'B', label: 'Best available high-efficacy DMT', ratio: 1 },
      ],
      blockSizes: [2, 4],
      strataFactors: ['country'],
    });
    expect(validateConfig(defaultRandomizationConfig())).toEqual([]);
  });

  it('normalises: ratio defaults to 1, block sizes ascending, factors sorted', () => {
    const cfg = assertValidConfig({
      arms: [
        { code: 'A', label: 'a' },
        { code: 'B', label: 'b' },
      ],
      blockSizes: [6, 2, 4],
      strataFactors: ['site', 'country'],
    });
    expect(cfg.arms.map((a) => a.ratio)).toEqual([1, 1]);
    expect(cfg.blockSizes).toEqual([2, 4, 6]);
    expect(cfg.strataFactors).toEqual(['country', 'site']);
  });

  it('accepts 2:1 with block sizes that are multiples of 3', () => {
    expect(
      validateConfig({
        arms: [
          { code: 'A', label: 'a', ratio: 2 },
          { code: 'B', label: 'b', ratio: 1 },
        ],
        blockSizes: [3, 6],
      }),
    ).toEqual([]);
  });

  it('rejects block sizes that are not multiples of the ratio sum, with a clear message', () => {
    const errors = validateConfig({
      arms: [
        { code: 'A', label: 'a', ratio: 2 },
        { code: 'B', label: 'b', ratio: 1 },
      ],
      blockSizes: [3, 4],
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('block size 4 is not a multiple of the ratio sum 3 (ratio 2:1)');
    expect(validateConfig({ blockSizes: [3] })[0]).toContain(
      'block size 3 is not a multiple of the ratio sum 2',
    );
  });

  it('lists every problem at once', () => {
    const errors = validateConfig({
      algorithm: 'other',
      arms: [
        { code: 'A', label: 'a', ratio: 0 },
        { code: 'A', label: '', ratio: 1.5 },
      ],
      blockSizes: [2, 2, -4, 1000],
      strataFactors: ['country', 'country', '9bad'],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringContaining("unknown algorithm 'other'"),
        'arm #1: ratio must be a positive integer (got 0)',
        "arm #2: duplicate arm code 'A'",
        'arm #2: label must be a non-empty string',
        'arm #2: ratio must be a positive integer (got 1.5)',
        'block size 2 is listed more than once',
        'block size -4 must be a positive integer',
        'block size 1000 exceeds the maximum of 100',
        "strata factor 'country' is listed more than once",
        expect.stringContaining('strata factor "9bad" must start with a letter'),
      ]),
    );
    expect(validateConfig({ arms: [{ code: 'A', label: 'a' }] })).toContain(
      'at least two arms are required',
    );
    expect(validateConfig({ blockSizes: [] })).toContain('at least one block size is required');
    expect(() => assertValidConfig({ blockSizes: [] })).toThrow(InvalidRandomizationConfigError);
  });

  it('allows an unstratified trial (no factors)', () => {
    expect(assertValidConfig({ strataFactors: [] }).strataFactors).toEqual([]);
  });
});

describe('canonical JSON and commitment', () => {
  it('writes the documented canonical JSON', () => {
    expect(canonicalConfigJson(defaultRandomizationConfig())).toBe(DEFAULT_JSON);
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: 'x' })).toBe(
      '{"a":"x","b":[3,{"a":null,"z":1}]}',
    );
  });

  it('[REQ-RAND-003] is SHA-256 of seedHex + "\\n" + canonical JSON, recomputable by hand', () => {
    const expected = createHash('sha256').update(`${SEED}\n${DEFAULT_JSON}`, 'utf8').digest('hex');
    expect(commitment(SEED, defaultRandomizationConfig())).toBe(expected);
    // pinned value; also: printf '%s\n%s' "$SEED" "$JSON" | sha256sum
    expect(expected).toBe('1d96e3c133cd4b01ff5cf735effcb4e8890edcdfa835ea42f9abb8664fb6f272');
    expect(commitmentPreimage(SEED.toUpperCase(), {})).toBe(`${SEED}\n${DEFAULT_JSON}`);
  });

  it('is stable under key order of the configuration (property)', () => {
    const base = defaultRandomizationConfig();
    const reorder = <T extends object>(obj: T, order: number[]): T => {
      const entries = Object.entries(obj);
      const sorted = order
        .map((i) => entries[i % entries.length])
        .filter((e, i, all) => all.indexOf(e) === i);
      for (const e of entries) {
        if (!sorted.includes(e)) {
          sorted.push(e);
        }
      }
      return Object.fromEntries(sorted) as T;
    };
    fc.assert(
      fc.property(
        fc.array(fc.nat(10), { maxLength: 6 }),
        fc.array(fc.nat(10), { maxLength: 6 }),
        (o1, o2) => {
          const shuffled: RandomizationConfigInput = reorder(
            { ...base, arms: base.arms.map((a) => reorder(a, o2)) },
            o1,
          );
          expect(canonicalConfigJson(shuffled)).toBe(DEFAULT_JSON);
          expect(commitment(SEED, shuffled)).toBe(commitment(SEED, base));
        },
      ),
    );
    const literal: RandomizationConfigInput = {
      strataFactors: ['country'],
      blockSizes: [4, 2],
      arms: [
        { ratio: 1, label: 'aHSCT', code: 'A' },
        { label: 'Best available high-efficacy DMT', ratio: 1, code: 'B' },
      ],
    };
    expect(commitment(SEED, literal)).toBe(commitment(SEED, base));
  });

  it('changes with the seed and with any configuration change', () => {
    const c = commitment(SEED, {});
    expect(commitment(SEED.replace(/^00/, '01'), {})).not.toBe(c);
    expect(commitment(SEED, { blockSizes: [2, 4, 6] })).not.toBe(c);
    expect(commitment(SEED, { strataFactors: ['country', 'site'] })).not.toBe(c);
    expect(
      commitment(SEED, {
        arms: [
          { code: 'B', label: 'Best available high-efficacy DMT' },
          { code: 'A', label: 'aHSCT' },
        ],
      }),
    ).not.toBe(c); // arm order defines the block before shuffling
  });

  it('verifies a recorded commitment', () => {
    const c = commitment(SEED, {});
    expect(verifyCommitment(SEED, {}, c)).toBe(true);
    expect(verifyCommitment(SEED, {}, c.toUpperCase())).toBe(true);
    expect(verifyCommitment(SEED, { blockSizes: [4] }, c)).toBe(false);
  });
});

describe('seed', () => {
  it('takes 32 bytes from the injected CSPRNG and returns 64 hex characters', () => {
    const calls: number[] = [];
    const seed = generateSeed((n) => {
      calls.push(n);
      return Buffer.alloc(n, 0xab);
    });
    expect(calls).toEqual([32]);
    expect(seed).toBe('ab'.repeat(32));
    expect(validateSeed(seed)).toEqual([]);
  });

  it('refuses a random source that returns the wrong length', () => {
    expect(() => generateSeed(() => Buffer.alloc(16))).toThrow('expected 32');
  });

  it('validates supplied seeds', () => {
    expect(validateSeed('xyz')).toEqual(
      expect.arrayContaining([expect.stringContaining('hexadecimal')]),
    );
    expect(validateSeed('ab'.repeat(8))).toEqual([
      expect.stringContaining('at least 32 hex characters'),
    ]);
    expect(validateSeed('abc'.repeat(11))).toEqual([expect.stringContaining('even number')]);
    expect(normalizeSeed(`  ${SEED.toUpperCase()} `)).toBe(SEED);
    expect(() => normalizeSeed('nope')).toThrow('invalid seed');
  });
});
