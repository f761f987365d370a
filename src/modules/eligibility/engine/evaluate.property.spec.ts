import fc from 'fast-check';
import { CRITERIA_SETS } from './criteria-sets';
import { canonicalJson, evaluate, evaluateMany, hashScreeningInput, resultFrom } from './evaluate';
import {
  ACTIVE_INFECTIONS,
  COMORBIDITY_FLAGS,
  DISEASE_COURSES,
  DRUG_CODES,
  INFECTION_TESTS,
  TEST_RESULTS,
  type ScreeningData,
} from './screening-data';

/** Valid value most of the time, otherwise absent, null or anything at all. */
function sometimes<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.anything() },
  );
}

const isoDate = fc
  .date({
    min: new Date('1940-01-01T00:00:00Z'),
    max: new Date('2030-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));
const dateLike = fc.oneof(
  { weight: 8, arbitrary: isoDate },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '2023-02-29',
      '2026-13-01',
      '2026-1-1',
      '',
      '9999-12-31',
      '2026-03-01T00:00:00Z',
    ),
  },
);
const count = fc.oneof(
  fc.integer({ min: 0, max: 12 }),
  fc.constantFrom(-1, 1.5, Number.NaN, Infinity),
);
const edssScore = fc.oneof(
  fc.integer({ min: 0, max: 20 }).map((n) => n / 2),
  fc.constantFrom(5.3, -0.5, 10.5, Number.NaN),
);
const bool = fc.boolean();
const drug = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(...DRUG_CODES) },
  { weight: 1, arbitrary: fc.string() },
);

function flags(
  keys: readonly string[],
  value: fc.Arbitrary<unknown>,
): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(keys.map((k) => [k, sometimes(value)])), {
    requiredKeys: [],
  });
}

const list = <T>(item: fc.Arbitrary<T>) => sometimes(fc.array(sometimes(item), { maxLength: 5 }));

const screeningRecord: fc.Arbitrary<unknown> = fc.record(
  {
    diagnosis: sometimes(
      fc.record(
        {
          course: sometimes(fc.constantFrom(...DISEASE_COURSES)),
          mcDonaldMet: sometimes(bool),
          symptomOnsetDate: sometimes(dateLike),
          diagnosisDate: sometimes(dateLike),
        },
        { requiredKeys: [] },
      ),
    ),
    birthDate: sometimes(dateLike),
    edss: sometimes(
      fc.record(
        { score: sometimes(edssScore), date: sometimes(dateLike), stablePhase: sometimes(bool) },
        { requiredKeys: [] },
      ),
    ),
    relapses: list(
      fc.record(
        {
          onsetDate: sometimes(dateLike),
          steroidTreated: sometimes(bool),
          clinicallyRelevant: sometimes(bool),
        },
        { requiredKeys: [] },
      ),
    ),
    mriExams: list(
      fc.record(
        {
          id: sometimes(fc.constantFrom('a', 'b', 'c')),
          date: sometimes(dateLike),
          gdEnhancingT1: sometimes(count),
          newOrEnlargingT2: sometimes(count),
          comparedWithExamId: sometimes(fc.constantFrom('a', 'b', 'c', 'x')),
          comparedWithDate: sometimes(dateLike),
        },
        { requiredKeys: [] },
      ),
    ),
    treatments: list(
      fc.record(
        { drug: sometimes(drug), startDate: sometimes(dateLike), endDate: sometimes(dateLike) },
        { requiredKeys: [] },
      ),
    ),
    infections: sometimes(flags(INFECTION_TESTS, fc.constantFrom(...TEST_RESULTS))),
    activeInfections: sometimes(flags(ACTIVE_INFECTIONS, bool)),
    comorbidity: sometimes(flags(COMORBIDITY_FLAGS, bool)),
    pregnantOrBreastfeeding: sometimes(bool),
    childbearingPotential: sometimes(bool),
    agreesToContraception: sometimes(bool),
    referredFromNeurology: sometimes(bool),
    willingToBeRandomised: sometimes(bool),
    willingToLearnInfectionResults: sometimes(bool),
    consent: sometimes(
      fc.record(
        {
          signed: sometimes(bool),
          version: sometimes(fc.constantFrom('2.0', '3.0')),
          date: sometimes(dateLike),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

/** Shaped records most of the time, sometimes anything at all (a number, an array, a string...). */
const anyInput = fc.oneof(
  { weight: 9, arbitrary: screeningRecord },
  { weight: 1, arbitrary: fc.anything() },
);

const assessmentDate = fc
  .date({
    min: new Date('2018-01-01T00:00:00Z'),
    max: new Date('2030-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));

/** The same JSON-like value with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(reverseKeys);
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).reverse()) {
      Object.defineProperty(out, key, {
        value: reverseKeys((value as Record<string, unknown>)[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

const RUNS = { numRuns: 1000 };

describe('evaluate on generated input', () => {
  it('never throws, and the result is consistent with its criteria', () => {
    fc.assert(
      fc.property(anyInput, assessmentDate, (input, at) => {
        const problems: string[] = [];
        for (const set of CRITERIA_SETS) {
          const r = evaluate(input as ScreeningData, at, set);
          const enabled = set.criteria.filter((c) => c.enabled).map((c) => c.id);
          if (r.criteria.map((c) => c.id).join() !== enabled.join()) {
            problems.push(`${set.id}: criteria ${r.criteria.map((c) => c.id).join()}`);
          }
          if (r.result !== resultFrom(r.criteria.map((c) => c.outcome))) {
            problems.push(`${set.id}: result ${r.result}`);
          }
          const notMet = r.criteria.filter((c) => c.outcome === 'not_met').map((c) => c.id);
          if (r.exclusionCodes.join() !== notMet.join()) {
            problems.push(`${set.id}: exclusionCodes ${r.exclusionCodes.join()}`);
          }
          for (const c of r.criteria) {
            if (!['met', 'not_met', 'unknown'].includes(c.outcome)) {
              problems.push(`${c.id}: outcome ${String(c.outcome)}`);
            }
            if (
              typeof c.explanation !== 'string' ||
              c.explanation.length === 0 ||
              /\n|undefined|NaN|\[object/.test(c.explanation)
            ) {
              problems.push(`${c.id}: explanation ${JSON.stringify(c.explanation)}`);
            }
          }
        }
        expect(problems).toEqual([]);
      }),
      RUNS,
    );
  });

  it('the same input always gives the same result (also with keys in another order)', () => {
    fc.assert(
      fc.property(screeningRecord, assessmentDate, (input, at) => {
        const data = input as ScreeningData;
        const first = canonicalJson(evaluateMany(data, at, CRITERIA_SETS));
        expect(canonicalJson(evaluateMany(data, at, CRITERIA_SETS))).toBe(first);
        const reordered = reverseKeys(input) as ScreeningData;
        expect(canonicalJson(evaluateMany(reordered, at, CRITERIA_SETS))).toBe(first);
        expect(hashScreeningInput(reordered)).toBe(hashScreeningInput(data));
      }),
      RUNS,
    );
  });

  it('does not modify its input', () => {
    fc.assert(
      fc.property(anyInput, assessmentDate, (input, at) => {
        const before = canonicalJson(input);
        evaluateMany(input as ScreeningData, at, CRITERIA_SETS);
        expect(canonicalJson(input)).toBe(before);
      }),
      { numRuns: 500 },
    );
  });

  it('hashing never throws and is stable', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const h = hashScreeningInput(input as ScreeningData);
        expect(h).toMatch(/^[0-9a-f]{64}$/);
        expect(hashScreeningInput(input as ScreeningData)).toBe(h);
      }),
      { numRuns: 500 },
    );
  });
});
