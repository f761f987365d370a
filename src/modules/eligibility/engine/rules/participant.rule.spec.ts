import { RAM_MS_V2 } from 'src/modules/eligibility/engine/criteria-sets';
import type { ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { ruleE12, ruleE6, ruleE7, ruleI2, ruleI6, ruleI7 } from './participant.rule';

const AT = '2026-03-01';
const p = RAM_MS_V2.params;

describe('I2 contraception if childbearing potential (self or partner)', () => {
  it.each([
    [false, undefined, 'met'],
    [false, false, 'met'],
    [true, true, 'met'],
    [true, false, 'not_met'],
    [true, undefined, 'unknown'],
    [undefined, true, 'met'],
    [undefined, false, 'unknown'],
    [undefined, undefined, 'unknown'],
  ])('potential %j, agrees %j -> %s', (childbearingPotential, agreesToContraception, outcome) => {
    const data: ScreeningData = { childbearingPotential, agreesToContraception };
    expect(ruleI2(data, AT, p).outcome).toBe(outcome);
  });
});

describe('I6 referral from a neurology department', () => {
  it.each([
    [true, 'met'],
    [false, 'not_met'],
    [undefined, 'unknown'],
  ])('%j -> %s', (referredFromNeurology, outcome) => {
    expect(ruleI6({ referredFromNeurology }, AT, p).outcome).toBe(outcome);
  });
});

describe('I7 signed informed consent', () => {
  it.each([
    [{ signed: true, version: '3.0', date: '2026-02-20' }, 'met'],
    [{ signed: true }, 'met'],
    [{ signed: false }, 'not_met'],
    [{}, 'unknown'],
    [null, 'unknown'],
    [{ signed: true, date: '2026-03-01' }, 'met'], // signed on the assessment date
    [{ signed: true, date: '2026-03-02' }, 'unknown'], // dated after the assessment
  ])('%j -> %s', (consent, outcome) => {
    expect(ruleI7({ consent }, AT, p).outcome).toBe(outcome);
  });

  it('explains', () => {
    expect(
      ruleI7({ consent: { signed: true, version: '3.0', date: '2026-02-20' } }, AT, p).explanation,
    ).toBe('informed consent signed on 2026-02-20 (version 3.0)');
  });

  it('acceptedConsentVersions restricts the version', () => {
    const q = { ...p, acceptedConsentVersions: ['3.0'] };
    expect(ruleI7({ consent: { signed: true, version: '3.0' } }, AT, q).outcome).toBe('met');
    expect(ruleI7({ consent: { signed: true, version: '2.1' } }, AT, q).outcome).toBe('not_met');
    expect(ruleI7({ consent: { signed: true } }, AT, q).outcome).toBe('unknown');
  });
});

describe('E6 / E7 / E12 (NL and unverified)', () => {
  it.each([
    [true, 'met'],
    [false, 'not_met'],
    [null, 'unknown'],
  ])('willing to learn results %j -> %s', (value, outcome) => {
    expect(ruleE6({ willingToLearnInfectionResults: value }, AT, p).outcome).toBe(outcome);
  });

  it.each([
    [true, 'met'],
    [false, 'not_met'],
    [undefined, 'unknown'],
  ])('willing to be randomised %j -> %s', (value, outcome) => {
    expect(ruleE7({ willingToBeRandomised: value }, AT, p).outcome).toBe(outcome);
  });

  it.each([
    [false, 'met'],
    [true, 'not_met'],
    [undefined, 'unknown'],
  ])('pregnant or breastfeeding %j -> %s', (value, outcome) => {
    expect(ruleE12({ pregnantOrBreastfeeding: value }, AT, p).outcome).toBe(outcome);
  });

  it('explains E7', () => {
    expect(ruleE7({ willingToBeRandomised: false }, AT, p)).toEqual({
      id: 'E7',
      outcome: 'not_met',
      explanation: 'unwilling to be randomised',
    });
  });
});
