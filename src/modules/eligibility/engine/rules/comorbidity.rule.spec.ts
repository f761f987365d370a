import { RAM_MS_V2, ZIN_2022 } from 'src/modules/eligibility/engine/criteria-sets';
import {
  COMORBIDITY_FLAGS,
  type ComorbidityFlag,
  type ScreeningData,
} from 'src/modules/eligibility/engine/screening-data';
import {
  ASSESSMENT_DATE,
  zinEligibleRecord,
} from 'src/modules/eligibility/engine/testing/screening.builders';
import { ruleE1, ruleE10, ruleE11, ruleZE1, ruleZE2 } from './comorbidity.rule';

const AT = ASSESSMENT_DATE;
const ram = RAM_MS_V2.params;
const zin = ZIN_2022.params;
const base = zinEligibleRecord();
const withFlag = (flag: ComorbidityFlag, value: boolean | null): ScreeningData => ({
  ...base,
  comorbidity: { ...base.comorbidity, [flag]: value },
});

describe('E1 / Z-E1 contraindication or hypersensitivity', () => {
  it.each([
    [false, 'met'],
    [true, 'not_met'],
    [null, 'unknown'],
  ])('flag %j -> %s', (value, outcome) => {
    expect(ruleE1(withFlag('contraindicationOrHypersensitivity', value), AT, ram).outcome).toBe(
      outcome,
    );
    expect(ruleZE1(withFlag('contraindicationOrHypersensitivity', value), AT, zin).outcome).toBe(
      outcome,
    );
  });
});

describe('E10 depression, addiction, CV risk, disease preventing medication (unverified)', () => {
  it.each([
    'severeDepression',
    'addiction',
    'cardiovascularRisk',
    'diseasePreventingMedication',
  ] as const)('%s -> not_met', (flag) => {
    expect(ruleE10(withFlag(flag, true), AT, ram).outcome).toBe('not_met');
  });

  it('malignancy is not part of E10', () => {
    expect(ruleE10(withFlag('activeMalignancy', true), AT, ram).outcome).toBe('met');
  });

  it('a flag not entered -> unknown', () => {
    expect(ruleE10(withFlag('addiction', null), AT, ram)).toEqual({
      id: 'E10',
      outcome: 'unknown',
      explanation: 'alcohol or drug addiction: not recorded',
    });
  });
});

describe('E11 malignancy (unverified)', () => {
  it.each([
    ['activeMalignancy', true, 'not_met'],
    ['pastMalignancyOtherThanBccOrCin', true, 'not_met'],
    ['activeMalignancy', null, 'unknown'],
  ] as Array<[ComorbidityFlag, boolean | null, string]>)('%s=%j -> %s', (flag, value, outcome) => {
    expect(ruleE11(withFlag(flag, value), AT, ram).outcome).toBe(outcome);
  });

  it('clear -> met', () => {
    expect(ruleE11(base, AT, ram).outcome).toBe('met');
  });
});

describe('Z-E2 clinically relevant comorbidity', () => {
  it('clear -> met', () => {
    expect(ruleZE2(base, AT, zin).outcome).toBe('met');
  });

  it.each(COMORBIDITY_FLAGS.filter((f) => f !== 'contraindicationOrHypersensitivity'))(
    '%s -> not_met',
    (flag) => {
      expect(ruleZE2(withFlag(flag, true), AT, zin).outcome).toBe('not_met');
    },
  );

  it.each(['tb', 'hiv', 'hbsag', 'hcvPcr', 'syphilis'] as const)(
    '%s positive -> not_met',
    (test) => {
      expect(
        ruleZE2({ ...base, infections: { ...base.infections, [test]: 'positive' } }, AT, zin)
          .outcome,
      ).toBe('not_met');
    },
  );

  it.each(['cmv', 'ebv', 'hsv', 'vzv', 'toxoplasmosis'] as const)(
    'active %s -> not_met',
    (name) => {
      expect(
        ruleZE2({ ...base, activeInfections: { ...base.activeInfections, [name]: true } }, AT, zin)
          .outcome,
      ).toBe('not_met');
    },
  );

  it('pending test -> unknown', () => {
    expect(
      ruleZE2({ ...base, infections: { ...base.infections, hiv: 'pending' } }, AT, zin),
    ).toEqual({
      id: 'Z-E2',
      outcome: 'unknown',
      explanation: 'HIV test pending',
    });
  });
});
