import { ZIN_2022 } from 'src/modules/eligibility/engine/criteria-sets';
import type {
  DrugCode,
  MriExam,
  Relapse,
  ScreeningData,
  Treatment,
} from 'src/modules/eligibility/engine/screening-data';
import {
  ASSESSMENT_DATE,
  zinEligibleRecord,
} from 'src/modules/eligibility/engine/testing/screening.builders';
import { ruleZI1 } from './zin-activity.rule';

const AT = ASSESSMENT_DATE; // 2026-03-01
const p = ZIN_2022.params;

function record(parts: {
  treatments?: Treatment[] | null;
  relapses?: Relapse[] | null;
  mriExams?: MriExam[] | null;
}): ScreeningData {
  return { ...zinEligibleRecord(), ...parts };
}

const he = (
  startDate: string,
  endDate: string | null = null,
  drug: DrugCode = 'natalizumab',
): Treatment[] => [{ drug, startDate, endDate }];
const relapse = (onsetDate: string, clinicallyRelevant: boolean | null = true): Relapse[] => [
  { onsetDate, clinicallyRelevant, steroidTreated: true },
];
const gdMri = (date: string, gd = 2): MriExam[] => [
  { id: 'a', date, gdEnhancingT1: gd, newOrEnlargingT2: 0 },
];

describe('Z-I1 very active RRMS despite >= 6 months of high-efficacy DMT', () => {
  it('the builder record meets Z-I1 and says why', () => {
    expect(ruleZI1(zinEligibleRecord(), AT, p)).toEqual({
      id: 'Z-I1',
      outcome: 'met',
      explanation:
        'RRMS, ocrelizumab from 2024-06-01 (ongoing at 2026-03-01): >= 6 months (start + 6 months = 2024-12-01), ' +
        'clinically relevant relapse 2025-08-01 on/after the start, ' +
        'MRI 2025-11-01 with 2 Gd+ lesions (>= 2, >= 2024-09-01)',
    });
  });

  describe('>= 6 months on the HE DMT', () => {
    it('exactly 6 months by the assessment date counts; a day less does not', () => {
      const parts = { relapses: relapse('2026-01-15'), mriExams: gdMri('2026-02-01') };
      expect(ruleZI1(record({ ...parts, treatments: he('2025-08-01') }), AT, p).outcome).toBe(
        'met',
      );
      expect(ruleZI1(record({ ...parts, treatments: he('2025-09-01') }), AT, p).outcome).toBe(
        'met',
      );
      const short = ruleZI1(record({ ...parts, treatments: he('2025-09-02') }), AT, p);
      expect(short.outcome).toBe('not_met');
      expect(short.explanation).toContain('less than 6 months (start + 6 months = 2026-03-02)');
    });

    it('counts to the end date when the drug was stopped', () => {
      const parts = { relapses: relapse('2025-08-01'), mriExams: gdMri('2025-11-01') };
      expect(
        ruleZI1(record({ ...parts, treatments: he('2024-06-01', '2024-12-01') }), AT, p).outcome,
      ).toBe('met');
      expect(
        ruleZI1(record({ ...parts, treatments: he('2024-06-01', '2024-11-30') }), AT, p).outcome,
      ).toBe('not_met');
    });

    it('end date not entered -> unknown, unless 6 months cannot have passed', () => {
      const parts = { relapses: relapse('2025-08-01'), mriExams: gdMri('2025-11-01') };
      expect(
        ruleZI1(
          record({ ...parts, treatments: [{ drug: 'rituximab', startDate: '2024-06-01' }] }),
          AT,
          p,
        ).outcome,
      ).toBe('unknown');
      expect(
        ruleZI1(
          record({ ...parts, treatments: [{ drug: 'rituximab', startDate: '2025-10-01' }] }),
          AT,
          p,
        ).outcome,
      ).toBe('not_met');
    });

    it('zinMinMonthsOnHeDmt is a parameter', () => {
      const parts = { relapses: relapse('2026-01-15'), mriExams: gdMri('2026-02-01') };
      expect(
        ruleZI1(record({ ...parts, treatments: he('2025-09-02') }), AT, {
          ...p,
          zinMinMonthsOnHeDmt: 5,
        }).outcome,
      ).toBe('met');
    });
  });

  it.each([
    ['natalizumab', 'met'],
    ['ocrelizumab', 'met'],
    ['rituximab', 'met'],
    ['ofatumumab', 'met'],
    ['cladribine', 'met'],
    ['alemtuzumab', 'met'],
    ['fingolimod', 'not_met'],
    ['interferon_beta', 'not_met'],
    ['ahsct', 'not_met'],
    ['other', 'not_met'],
  ])('DMT %s -> %s (only the high-efficacy list counts)', (drug, outcome) => {
    const data = record({ treatments: he('2024-06-01', null, drug as DrugCode) });
    expect(ruleZI1(data, AT, p).outcome).toBe(outcome);
  });

  describe('clinically relevant relapse on or after the HE start', () => {
    const parts = { treatments: he('2025-01-01'), mriExams: gdMri('2025-11-01') };

    it.each([
      ['2025-01-01', true, 'met'], // on the start day
      ['2024-12-31', true, 'not_met'], // the day before
      ['2025-08-01', false, 'not_met'],
      ['2025-08-01', null, 'unknown'],
      ['2026-03-02', true, 'not_met'], // after the assessment date
    ])('onset %s, clinically relevant %j -> %s', (onset, relevant, outcome) => {
      expect(ruleZI1(record({ ...parts, relapses: relapse(onset, relevant) }), AT, p).outcome).toBe(
        outcome,
      );
    });

    it('no relapses -> not_met; not entered -> unknown', () => {
      expect(ruleZI1(record({ ...parts, relapses: [] }), AT, p).outcome).toBe('not_met');
      expect(ruleZI1(record({ ...parts, relapses: undefined }), AT, p).outcome).toBe('unknown');
    });

    it('zinRelapseWindowMonths limits how old the relapse may be', () => {
      const data = record({ ...parts, relapses: relapse('2025-02-01') });
      expect(ruleZI1(data, AT, p).outcome).toBe('met');
      expect(ruleZI1(data, AT, { ...p, zinRelapseWindowMonths: 12 }).outcome).toBe('not_met');
    });

    it('zinActivityMustBeWhileOnHeDmt rejects a relapse after stopping', () => {
      const data = record({
        treatments: he('2024-06-01', '2025-06-01'),
        relapses: relapse('2025-08-01'),
        mriExams: gdMri('2025-05-01'),
      });
      expect(ruleZI1(data, AT, p).outcome).toBe('met');
      expect(ruleZI1(data, AT, { ...p, zinActivityMustBeWhileOnHeDmt: true }).outcome).toBe(
        'not_met',
      );
    });
  });

  describe('active MRI: >= 2 Gd+ on an exam >= 3 months after the HE start', () => {
    const parts = { treatments: he('2025-06-01'), relapses: relapse('2025-07-01') };

    it.each([
      ['2025-09-01', 2, 'met'], // exactly 3 months after the start
      ['2025-08-31', 2, 'not_met'], // a day earlier
      ['2025-12-01', 1, 'not_met'], // only one Gd+ lesion
      ['2025-12-01', 5, 'met'],
    ])('exam %s with %d Gd+ -> %s', (date, gd, outcome) => {
      expect(ruleZI1(record({ ...parts, mriExams: gdMri(date, gd) }), AT, p).outcome).toBe(outcome);
    });

    it('zinGdMin is a parameter', () => {
      expect(
        ruleZI1(record({ ...parts, mriExams: gdMri('2025-12-01', 1) }), AT, { ...p, zinGdMin: 1 })
          .outcome,
      ).toBe('met');
    });
  });

  describe('active MRI: >= 3 new/enlarging T2 against a reference exam >= 3 months after the start', () => {
    const parts = { treatments: he('2025-06-01'), relapses: relapse('2025-07-01') };
    const t2Exams = (refDate: string, t2 = 3): MriExam[] => [
      { id: 'ref', date: refDate, gdEnhancingT1: 0, newOrEnlargingT2: 0 },
      {
        id: 'act',
        date: '2026-01-15',
        gdEnhancingT1: 0,
        newOrEnlargingT2: t2,
        comparedWithExamId: 'ref',
      },
    ];

    it('reference exactly 3 months after the start counts; a day earlier does not', () => {
      expect(ruleZI1(record({ ...parts, mriExams: t2Exams('2025-09-01') }), AT, p).outcome).toBe(
        'met',
      );
      const early = ruleZI1(record({ ...parts, mriExams: t2Exams('2025-08-31') }), AT, p);
      expect(early.outcome).toBe('not_met');
      expect(early.explanation).toContain(
        '3 new/enlarging T2 against 2025-08-31, which is before start + 3 months (2025-09-01)',
      );
    });

    it('2 new/enlarging T2 lesions are not enough', () => {
      expect(ruleZI1(record({ ...parts, mriExams: t2Exams('2025-09-01', 2) }), AT, p).outcome).toBe(
        'not_met',
      );
    });

    it('the reference may be given by date', () => {
      const exams: MriExam[] = [
        {
          date: '2026-01-15',
          gdEnhancingT1: 0,
          newOrEnlargingT2: 4,
          comparedWithDate: '2025-10-01',
        },
      ];
      expect(ruleZI1(record({ ...parts, mriExams: exams }), AT, p).outcome).toBe('met');
    });

    it('a missing or unresolvable reference gives unknown', () => {
      const noRef: MriExam[] = [{ date: '2026-01-15', gdEnhancingT1: 0, newOrEnlargingT2: 4 }];
      const badId: MriExam[] = [
        { date: '2026-01-15', gdEnhancingT1: 0, newOrEnlargingT2: 4, comparedWithExamId: 'nope' },
      ];
      const later: MriExam[] = [
        {
          date: '2026-01-15',
          gdEnhancingT1: 0,
          newOrEnlargingT2: 4,
          comparedWithDate: '2026-02-01',
        },
      ];
      expect(ruleZI1(record({ ...parts, mriExams: noRef }), AT, p).outcome).toBe('unknown');
      expect(ruleZI1(record({ ...parts, mriExams: badId }), AT, p).outcome).toBe('unknown');
      expect(ruleZI1(record({ ...parts, mriExams: later }), AT, p).outcome).toBe('unknown');
    });
  });

  describe('the active exam is less than 1 year old', () => {
    const parts = { treatments: he('2024-01-01'), relapses: relapse('2024-06-01') };

    it.each([
      ['2025-03-02', 'met'],
      ['2025-03-01', 'not_met'], // exactly 12 months old: not "less than 1 year"
      ['2026-03-01', 'met'],
      ['2026-03-02', 'not_met'], // after the assessment date
    ])('exam %s -> %s', (date, outcome) => {
      expect(ruleZI1(record({ ...parts, mriExams: gdMri(date) }), AT, p).outcome).toBe(outcome);
    });

    it('zinActiveMriAgeStrict: false lets an exam exactly 12 months old count', () => {
      const data = record({ ...parts, mriExams: gdMri('2025-03-01') });
      expect(ruleZI1(data, AT, { ...p, zinActiveMriAgeStrict: false }).outcome).toBe('met');
    });
  });

  describe('course and missing data', () => {
    it.each([
      ['CIS', 'not_met'],
      ['SPMS', 'not_met'],
      [undefined, 'unknown'],
    ])('course %j -> %s', (course, outcome) => {
      const data = { ...zinEligibleRecord(), diagnosis: { course } } as ScreeningData;
      expect(ruleZI1(data, AT, p).outcome).toBe(outcome);
      expect(ruleZI1(data, AT, { ...p, zinRequiresRrmsCourse: false }).outcome).toBe('met');
    });

    it('treatments / MRI not entered -> unknown; none -> not_met', () => {
      expect(ruleZI1(record({ treatments: undefined }), AT, p).outcome).toBe('unknown');
      expect(ruleZI1(record({ treatments: [] }), AT, p).outcome).toBe('not_met');
      expect(ruleZI1(record({ mriExams: null }), AT, p).outcome).toBe('unknown');
      expect(ruleZI1(record({ mriExams: [] }), AT, p).outcome).toBe('not_met');
    });

    it('a treatment without a drug keeps the answer open', () => {
      const data = record({ treatments: [{ startDate: '2024-06-01', endDate: null }] });
      expect(ruleZI1(data, AT, p)).toEqual({
        id: 'Z-I1',
        outcome: 'unknown',
        explanation: 'drug of treatment #1 not recorded',
      });
    });
  });
});
