import { ZIN_2022 } from 'src/modules/eligibility/engine/criteria-sets';
import type { ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { ruleZI4 } from './disease-duration.rule';

const AT = '2026-03-01';
const p = ZIN_2022.params;
const dx = (diagnosisDate: unknown, symptomOnsetDate?: string): ScreeningData =>
  ({ diagnosis: { course: 'RRMS', diagnosisDate, symptomOnsetDate } }) as ScreeningData;

describe('Z-I4 disease duration < 10 years from the diagnosis date', () => {
  it.each([
    ['2016-03-02', 'met'], // 9 years 364 days
    ['2016-03-01', 'not_met'], // exactly 10 years
    ['2010-01-01', 'not_met'],
    ['2026-03-01', 'met'], // diagnosed today
  ])('diagnosed %s -> %s', (date, outcome) => {
    expect(ruleZI4(dx(date), AT, p).outcome).toBe(outcome);
  });

  it('explains', () => {
    expect(ruleZI4(dx('2016-03-01'), AT, p)).toEqual({
      id: 'Z-I4',
      outcome: 'not_met',
      explanation:
        'disease duration from diagnosis date 2016-03-01 to 2026-03-01 is not < 10 years (10 years reached 2026-03-01)',
    });
  });

  it.each([[undefined], [null], ['2016-02-30'], [20160301], ['2027-01-01']])(
    'missing, invalid or future diagnosis date %j -> unknown',
    (date) => {
      expect(ruleZI4(dx(date), AT, p).outcome).toBe('unknown');
    },
  );

  it('counts from the diagnosis, not the symptom onset, by default', () => {
    const data = dx('2017-01-01', '2012-01-01');
    expect(ruleZI4(data, AT, p).outcome).toBe('met');
    expect(ruleZI4(data, AT, { ...p, diseaseDurationAnchor: 'symptomOnsetDate' }).outcome).toBe(
      'not_met',
    );
  });

  it('diseaseDurationStrict: false accepts exactly 10 years', () => {
    expect(ruleZI4(dx('2016-03-01'), AT, { ...p, diseaseDurationStrict: false }).outcome).toBe(
      'met',
    );
  });
});
