import { RAM_MS_V2, ZIN_2022 } from 'src/modules/eligibility/engine/criteria-sets';
import type { ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { ruleE4, ruleI3, ruleZE3 } from './diagnosis.rule';

const AT = '2026-03-01';
const ram = RAM_MS_V2.params;
const zin = ZIN_2022.params;

const dx = (course: unknown, mcDonaldMet: unknown = true): ScreeningData =>
  ({ diagnosis: { course, mcDonaldMet } }) as ScreeningData;

describe('I3 RRMS by the revised McDonald criteria', () => {
  it.each([
    [dx('RRMS', true), 'met'],
    [dx('RRMS', false), 'not_met'],
    [dx('SPMS', true), 'not_met'],
    [dx('PPMS', true), 'not_met'],
    [dx('CIS', true), 'not_met'],
    [dx('RRMS', null), 'unknown'],
    [dx(undefined, true), 'unknown'],
    [dx('rrms', true), 'unknown'],
    [dx(undefined, false), 'not_met'],
    [{}, 'unknown'],
  ])('%j -> %s', (data, outcome) => {
    expect(ruleI3(data, AT, ram).outcome).toBe(outcome);
  });

  it('explains', () => {
    expect(ruleI3(dx('SPMS'), AT, ram).explanation).toBe('course SPMS is not RRMS');
    expect(ruleI3(dx('RRMS'), AT, ram).explanation).toBe(
      'course RRMS, revised McDonald criteria met',
    );
  });
});

describe('E4 / Z-E3 progressive MS excludes', () => {
  it.each([
    ['RRMS', 'met'],
    ['CIS', 'met'],
    ['SPMS', 'not_met'],
    ['PPMS', 'not_met'],
    [null, 'unknown'],
  ])('course %s -> %s', (course, outcome) => {
    expect(ruleE4(dx(course), AT, ram).outcome).toBe(outcome);
    expect(ruleZE3(dx(course), AT, zin).outcome).toBe(outcome);
  });

  it('explains', () => {
    expect(ruleZE3(dx('PPMS'), AT, zin)).toEqual({
      id: 'Z-E3',
      outcome: 'not_met',
      explanation: 'course PPMS is progressive MS',
    });
  });
});
