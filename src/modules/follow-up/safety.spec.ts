import type { AdverseEventInput } from './entities/adverse-event.entity';
import { DEFAULT_SAFETY_SETTINGS, rsiInForce, susarOf, validateSafetySettings } from './safety';

const ae = (over: Partial<AdverseEventInput> = {}): AdverseEventInput => ({
  term: 'Sepsis',
  onsetDate: '2026-07-01',
  severity: 'severe',
  serious: true,
  seriousnessCriteria: ['hospitalisation'],
  outcome: 'recovering',
  assessments: [{ intervention: 'conditioning', causality: 'related', expectedness: 'unexpected' }],
  ...over,
});

describe('SUSAR: serious, related and unexpected, with its 7- or 15-day clock', () => {
  it('is a SUSAR due 15 calendar days after awareness when neither fatal nor life-threatening', () => {
    expect(susarOf(ae(), '2026-07-02', DEFAULT_SAFETY_SETTINGS)).toEqual({
      susar: true,
      days: 15,
      dueDate: '2026-07-17',
    });
  });

  it('is due after 7 days when fatal or life-threatening', () => {
    const s = DEFAULT_SAFETY_SETTINGS;
    expect(susarOf(ae({ seriousnessCriteria: ['life_threatening'] }), '2026-07-02', s).days).toBe(
      7,
    );
    expect(susarOf(ae({ seriousnessCriteria: ['death'] }), '2026-07-02', s).dueDate).toBe(
      '2026-07-09',
    );
    expect(susarOf(ae({ outcome: 'fatal' }), '2026-07-02', s).days).toBe(7);
  });

  it.each([
    ['not serious', { serious: false, seriousnessCriteria: [] }],
    [
      'expected',
      {
        assessments: [
          { intervention: 'conditioning', causality: 'related', expectedness: 'expected' },
        ],
      },
    ],
    [
      'unlikely related',
      {
        assessments: [
          {
            intervention: 'conditioning',
            causality: 'unlikely_related',
            expectedness: 'unexpected',
          },
        ],
      },
    ],
    [
      'related to one intervention but unexpected only for another',
      {
        assessments: [
          { intervention: 'conditioning', causality: 'related', expectedness: 'expected' },
          { intervention: 'reinfusion', causality: 'not_related', expectedness: 'unexpected' },
        ],
      },
    ],
    ['not assessed', { assessments: [] }],
  ] as [string, Partial<AdverseEventInput>][])('is no SUSAR when %s', (_what, over) => {
    expect(susarOf(ae(over), '2026-07-02', DEFAULT_SAFETY_SETTINGS)).toEqual({
      susar: false,
      days: null,
      dueDate: null,
    });
  });
});

describe('the reference safety information in force', () => {
  const settings = {
    ...DEFAULT_SAFETY_SETTINGS,
    rsi: {
      ahsct: [
        { version: '2.0', effectiveFrom: '2026-07-01' },
        { version: '1.0', effectiveFrom: '2025-01-01' },
      ],
    },
  };
  it('is the latest version effective on the day', () => {
    expect(rsiInForce(settings, 'ahsct', '2026-06-30')?.version).toBe('1.0');
    expect(rsiInForce(settings, 'ahsct', '2026-07-01')?.version).toBe('2.0');
    expect(rsiInForce(settings, 'ahsct', '2024-12-31')).toBeNull();
    expect(rsiInForce(settings, 'arm_b_drug', '2026-07-01')).toBeNull();
  });
});

describe('the safety settings are checked before use', () => {
  it('accepts the defaults and names what is wrong', () => {
    expect(validateSafetySettings(DEFAULT_SAFETY_SETTINGS)).toEqual([]);
    expect(
      validateSafetySettings({
        interventionsByArm: { A: ['ahsct', 'cyclophosphamide'], B: ['arm_b_drug'] },
        rsi: { ahsct: [{ version: '1.0', effectiveFrom: '2025-13-01' }] },
        susarDays: { fatalOrLifeThreatening: 0, other: 15 },
      } as unknown as typeof DEFAULT_SAFETY_SETTINGS),
    ).toEqual([
      'interventionsByArm.A must list interventions of ahsct, mobilisation, conditioning, reinfusion, arm_b_drug',
      'rsi.ahsct must list { version, effectiveFrom: YYYY-MM-DD }',
      'susarDays.fatalOrLifeThreatening must be a positive whole number of days',
    ]);
  });
});
