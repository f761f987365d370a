import { RAM_MS_V2 } from 'src/modules/eligibility/engine/criteria-sets';
import type {
  MriExam,
  Relapse,
  ScreeningData,
  Treatment,
} from 'src/modules/eligibility/engine/screening-data';
import {
  ASSESSMENT_DATE,
  ramMsEligibleRecord,
} from 'src/modules/eligibility/engine/testing/screening.builders';
import { ruleI5 } from './disease-activity.rule';

const AT = ASSESSMENT_DATE; // 2026-03-01
const p = RAM_MS_V2.params;

function record(parts: {
  treatments?: Treatment[] | null;
  relapses?: Relapse[] | null;
  mriExams?: MriExam[] | null;
}): ScreeningData {
  const base = ramMsEligibleRecord();
  return { ...base, ...parts };
}

describe('I5 significant activity in the last year despite standard DMT', () => {
  it('the builder record meets I5 and says why', () => {
    expect(ruleI5(ramMsEligibleRecord(), AT, p)).toEqual({
      id: 'I5',
      outcome: 'met',
      explanation:
        'relapse 2025-09-01 within 2025-03-01..2026-03-01, steroid-treated, ' +
        'on interferon_beta since 2024-01-01 (start + 3 months = 2024-04-01 <= onset), still on it, ' +
        'MRI 2025-10-01 with 1 Gd+ lesion(s) (>= 1)',
    });
  });

  describe('relapse >= 3 calendar months after the start of a standard DMT', () => {
    const on = (startDate: string): Treatment[] => [
      { drug: 'fingolimod', startDate, endDate: null },
    ];
    const relapse: Relapse[] = [{ onsetDate: '2025-06-01', steroidTreated: true }];

    it('exactly 3 months after the start counts', () => {
      expect(
        ruleI5(record({ treatments: on('2025-03-01'), relapses: relapse }), AT, p).outcome,
      ).toBe('met');
    });

    it('one day short of 3 months does not', () => {
      const r = ruleI5(record({ treatments: on('2025-03-02'), relapses: relapse }), AT, p);
      expect(r.outcome).toBe('not_met');
      expect(r.explanation).toContain(
        'fingolimod started 2025-03-02, onset before start + 3 months (2025-06-02)',
      );
    });

    it('uses calendar months clamped to the month end (31 Aug + 3 months = 30 Nov)', () => {
      const at = '2025-12-15';
      const mri: MriExam[] = [{ date: '2025-12-01', gdEnhancingT1: 1 }];
      const t = on('2025-08-31');
      expect(
        ruleI5(
          record({
            treatments: t,
            relapses: [{ onsetDate: '2025-11-30', steroidTreated: true }],
            mriExams: mri,
          }),
          at,
          p,
        ).outcome,
      ).toBe('met');
      expect(
        ruleI5(
          record({
            treatments: t,
            relapses: [{ onsetDate: '2025-11-29', steroidTreated: true }],
            mriExams: mri,
          }),
          at,
          p,
        ).outcome,
      ).toBe('not_met');
    });

    it('relapseMinMonthsAfterDmtStart is a parameter', () => {
      const data = record({ treatments: on('2025-03-02'), relapses: relapse });
      expect(ruleI5(data, AT, { ...p, relapseMinMonthsAfterDmtStart: 2 }).outcome).toBe('met');
    });
  });

  describe('still on the DMT at the relapse', () => {
    const relapse: Relapse[] = [{ onsetDate: '2025-09-01', steroidTreated: true }];
    const ifn = (endDate: string | null | undefined): Treatment[] => [
      endDate === undefined
        ? { drug: 'interferon_beta', startDate: '2024-01-01' }
        : { drug: 'interferon_beta', startDate: '2024-01-01', endDate },
    ];

    it('ended on the day of onset counts', () => {
      expect(
        ruleI5(record({ treatments: ifn('2025-09-01'), relapses: relapse }), AT, p).outcome,
      ).toBe('met');
    });

    it('ended the day before onset does not', () => {
      expect(
        ruleI5(record({ treatments: ifn('2025-08-31'), relapses: relapse }), AT, p).outcome,
      ).toBe('not_met');
    });

    it('end date not entered gives unknown (or met when read as ongoing)', () => {
      const data = record({ treatments: ifn(undefined), relapses: relapse });
      expect(ruleI5(data, AT, p).outcome).toBe('unknown');
      expect(ruleI5(data, AT, { ...p, missingTreatmentEndMeans: 'ongoing' }).outcome).toBe('met');
    });

    it('relapseRequiresStillOnDmt: false accepts a relapse after stopping', () => {
      const data = record({ treatments: ifn('2025-08-31'), relapses: relapse });
      expect(ruleI5(data, AT, { ...p, relapseRequiresStillOnDmt: false }).outcome).toBe('met');
    });
  });

  it.each([
    ['ocrelizumab', 'not_met'],
    ['alemtuzumab', 'not_met'],
    ['other', 'not_met'],
    ['natalizumab', 'met'],
    ['glatiramer_acetate', 'met'],
    [null, 'unknown'],
  ])('DMT %s -> %s (only listed standard DMTs count)', (drug, outcome) => {
    const data = record({
      treatments: [{ drug, startDate: '2024-01-01', endDate: null } as Treatment],
    });
    expect(ruleI5(data, AT, p).outcome).toBe(outcome);
  });

  describe('relapse in the last year, steroid-treated', () => {
    it.each([
      ['2025-03-01', 'met'], // exactly 12 months before the assessment date
      ['2025-02-28', 'not_met'], // a day older
      ['2026-03-01', 'met'], // on the assessment date
      ['2026-03-02', 'not_met'], // after the assessment date: not yet happened
    ])('onset %s -> %s', (onsetDate, outcome) => {
      const data = record({
        relapses: [{ onsetDate, steroidTreated: true }],
        mriExams: [{ date: '2026-03-01', gdEnhancingT1: 1 }],
      });
      expect(ruleI5(data, AT, p).outcome).toBe(outcome);
    });

    it('not steroid-treated -> not_met; not recorded -> unknown', () => {
      expect(
        ruleI5(record({ relapses: [{ onsetDate: '2025-09-01', steroidTreated: false }] }), AT, p)
          .outcome,
      ).toBe('not_met');
      expect(ruleI5(record({ relapses: [{ onsetDate: '2025-09-01' }] }), AT, p)).toEqual({
        id: 'I5',
        outcome: 'unknown',
        explanation: 'relapse 2025-09-01: steroid treatment not recorded',
      });
    });

    it('clinical relevance is not required by default but can be', () => {
      const data = record({
        relapses: [{ onsetDate: '2025-09-01', steroidTreated: true, clinicallyRelevant: false }],
      });
      expect(ruleI5(data, AT, p).outcome).toBe('met');
      expect(ruleI5(data, AT, { ...p, relapseRequiresClinicallyRelevant: true }).outcome).toBe(
        'not_met',
      );
    });

    it('one qualifying relapse among others is enough', () => {
      const data = record({
        relapses: [
          { onsetDate: '2023-01-01', steroidTreated: true },
          { onsetDate: '2025-09-01', steroidTreated: false },
          { onsetDate: '2025-12-01', steroidTreated: true },
        ],
      });
      expect(ruleI5(data, AT, p).outcome).toBe('met');
    });

    it('no relapses -> not_met; relapses not entered -> unknown', () => {
      expect(ruleI5(record({ relapses: [] }), AT, p).outcome).toBe('not_met');
      expect(ruleI5(record({ relapses: undefined }), AT, p).outcome).toBe('unknown');
      expect(ruleI5(record({ relapses: null }), AT, p).outcome).toBe('unknown');
    });

    it('a relapse with no onset date is unknown', () => {
      expect(ruleI5(record({ relapses: [{ steroidTreated: true }] }), AT, p).outcome).toBe(
        'unknown',
      );
    });
  });

  describe('MRI activity on an exam in the last year', () => {
    it.each([
      ['2025-03-01', 'met'], // exactly 12 months old
      ['2025-02-28', 'not_met'], // a day older
    ])('exam %s -> %s', (date, outcome) => {
      const data = record({ mriExams: [{ date, gdEnhancingT1: 1, newOrEnlargingT2: 0 }] });
      expect(ruleI5(data, AT, p).outcome).toBe(outcome);
    });

    it('lastYearInclusive: false excludes an exam exactly 12 months old', () => {
      const data = record({ mriExams: [{ date: '2025-03-01', gdEnhancingT1: 1 }] });
      expect(ruleI5(data, AT, { ...p, lastYearInclusive: false }).outcome).toBe('not_met');
    });

    it.each([
      [1, 0, 'met'],
      [0, 3, 'met'],
      [0, 2, 'not_met'],
      [0, 0, 'not_met'],
      [null, 3, 'met'],
      [1, null, 'met'],
      [null, 2, 'unknown'],
      [0, null, 'unknown'],
      [null, null, 'unknown'],
    ])('Gd+ %j, new/enlarging T2 %j -> %s', (gd, t2, outcome) => {
      const data = record({
        mriExams: [{ date: '2025-10-01', gdEnhancingT1: gd, newOrEnlargingT2: t2 }],
      });
      expect(ruleI5(data, AT, p).outcome).toBe(outcome);
    });

    it('explains an inactive MRI', () => {
      const data = record({
        mriExams: [{ date: '2025-10-01', gdEnhancingT1: 0, newOrEnlargingT2: 2 }],
      });
      expect(ruleI5(data, AT, p).explanation).toBe(
        'no MRI in 2025-03-01..2026-03-01 with >= 1 Gd+ or >= 3 new/enlarging T2 lesions ' +
          '(MRI 2025-10-01 not active (0 Gd+; 2 new/enlarging T2))',
      );
    });

    it('mriT2RequiresReferenceExam needs a reference for the T2 route', () => {
      const noRef = record({
        mriExams: [{ date: '2025-10-01', gdEnhancingT1: 0, newOrEnlargingT2: 3 }],
      });
      const withRef = record({
        mriExams: [
          {
            date: '2025-10-01',
            gdEnhancingT1: 0,
            newOrEnlargingT2: 3,
            comparedWithDate: '2025-01-01',
          },
        ],
      });
      const strict = { ...p, mriT2RequiresReferenceExam: true };
      expect(ruleI5(noRef, AT, strict).outcome).toBe('unknown');
      expect(ruleI5(withRef, AT, strict).outcome).toBe('met');
    });

    it('negative counts are invalid -> unknown', () => {
      const data = record({
        mriExams: [{ date: '2025-10-01', gdEnhancingT1: -1, newOrEnlargingT2: 0 }],
      });
      expect(ruleI5(data, AT, p).outcome).toBe('unknown');
    });

    it('no exams -> not_met; exams not entered -> unknown', () => {
      expect(ruleI5(record({ mriExams: [] }), AT, p).outcome).toBe('not_met');
      expect(ruleI5(record({ mriExams: undefined }), AT, p).outcome).toBe('unknown');
    });
  });

  it('three-valued: a failed relapse part decides even if MRI data are missing', () => {
    expect(ruleI5(record({ relapses: [], mriExams: undefined }), AT, p).outcome).toBe('not_met');
  });

  it('treatments not entered -> unknown', () => {
    expect(ruleI5(record({ treatments: undefined }), AT, p).outcome).toBe('unknown');
    expect(ruleI5(record({ treatments: [] }), AT, p).outcome).toBe('not_met');
  });
});
