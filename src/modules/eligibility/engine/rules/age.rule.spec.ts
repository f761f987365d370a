import { RAM_MS_V2, ZIN_2022 } from 'src/modules/eligibility/engine/criteria-sets';
import { ruleI1, ruleZI2 } from './age.rule';

const AT = '2026-03-01';
const ram = RAM_MS_V2.params;
const zin = ZIN_2022.params;

describe('I1 age 18-50 (RAM-MS)', () => {
  it.each([
    ['2008-03-02', 'not_met'], // 17, turns 18 tomorrow
    ['2008-03-01', 'met'], // 18 today
    ['1975-03-02', 'met'], // 50, turns 51 tomorrow
    ['1975-03-01', 'not_met'], // 51 today
  ])('born %s -> %s', (birthDate, outcome) => {
    expect(ruleI1({ birthDate }, AT, ram).outcome).toBe(outcome);
  });

  it('explains the age, the date and the bound', () => {
    expect(ruleI1({ birthDate: '1975-03-01' }, AT, ram)).toEqual({
      id: 'I1',
      outcome: 'not_met',
      explanation: 'age 51 at 2026-03-01 is above the range >= 18 and <= 50',
    });
    expect(ruleI1({ birthDate: '2008-03-02' }, AT, ram).explanation).toBe(
      'age 17 at 2026-03-01 is below the range >= 18 and <= 50',
    );
  });

  it.each([
    [{}],
    [{ birthDate: null }],
    [{ birthDate: '2008-02-30' }],
    [{ birthDate: '01/03/2008' }],
    [{ birthDate: '2027-01-01' }], // after the assessment date
  ])('missing or invalid birth date %j -> unknown', (data) => {
    expect(ruleI1(data, AT, ram).outcome).toBe('unknown');
  });

  it('leap-day birthday: 18 on 28 Feb with feb28, on 1 Mar with mar1', () => {
    const data = { birthDate: '2008-02-29' };
    expect(ruleI1(data, '2026-02-28', ram).outcome).toBe('met');
    expect(ruleI1(data, '2026-02-27', ram).outcome).toBe('not_met');
    expect(ruleI1(data, '2026-02-28', { ...ram, leapDayBirthday: 'mar1' }).outcome).toBe('not_met');
    expect(ruleI1(data, '2026-03-01', { ...ram, leapDayBirthday: 'mar1' }).outcome).toBe('met');
  });

  it('exclusive bounds are honoured when configured', () => {
    expect(
      ruleI1({ birthDate: '2008-03-01' }, AT, { ...ram, ageMinInclusive: false }).outcome,
    ).toBe('not_met');
    expect(
      ruleI1({ birthDate: '1975-03-02' }, AT, { ...ram, ageMaxInclusive: false }).outcome,
    ).toBe('not_met');
  });

  it('an invalid assessment date gives unknown, not an exception', () => {
    expect(ruleI1({ birthDate: '1990-01-01' }, 'yesterday', ram).outcome).toBe('unknown');
  });
});

describe('Z-I2 age 18-55 (ZIN)', () => {
  it.each([
    ['2008-03-02', 'not_met'], // 17
    ['2008-03-01', 'met'], // 18
    ['1975-03-01', 'met'], // 51
    ['1970-03-02', 'met'], // 55
    ['1970-03-01', 'not_met'], // 56 today
  ])('born %s -> %s', (birthDate, outcome) => {
    expect(ruleZI2({ birthDate }, AT, zin).outcome).toBe(outcome);
  });

  it('uses its own id', () => {
    expect(ruleZI2({ birthDate: '1970-03-01' }, AT, zin)).toEqual({
      id: 'Z-I2',
      outcome: 'not_met',
      explanation: 'age 56 at 2026-03-01 is above the range >= 18 and <= 55',
    });
  });
});
