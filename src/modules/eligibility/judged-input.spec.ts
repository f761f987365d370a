import { RAM_MS_V2, ZIN_2022, evaluate, evaluateMany } from './engine';
import { ASSESSMENT_DATE, ramMsEligibleRecord } from './engine/testing/screening.builders';
import { ageOn, engineInput, forSignOff, judgedInputHash } from './judged-input';
import type { ScreeningRecord } from './screening-record';

function storedRecord(): { record: ScreeningRecord; birthDate: string } {
  const { birthDate, consent: _consent, ...record } = ramMsEligibleRecord();
  return { record, birthDate: birthDate as string };
}

describe('judged input and sign-off set', () => {
  it('feeds the engine the stored record plus the birth date from the vault', () => {
    const { record, birthDate } = storedRecord();
    const input = engineInput(record, birthDate);
    expect(input.birthDate).toBe(birthDate);
    expect(input.consent).toBeUndefined();
    expect(engineInput(record, birthDate, { version: '3.0', date: '2026-02-20' }).consent).toEqual({
      signed: true,
      version: '3.0',
      date: '2026-02-20',
    });
  });

  it('defers I7 (consent) at sign-off, so a complete record without consent is eligible', () => {
    const { record, birthDate } = storedRecord();
    const full = evaluate(engineInput(record, birthDate), ASSESSMENT_DATE, RAM_MS_V2);
    expect(full.result).toBe('incomplete');
    expect(full.unknownCodes).toEqual(['I7']);
    const signOff = evaluate(
      engineInput(record, birthDate),
      ASSESSMENT_DATE,
      forSignOff(RAM_MS_V2, ['I7']),
    );
    expect(signOff.result).toBe('eligible');
    expect(signOff.disabledCriteria).toContain('I7');
    expect(forSignOff(ZIN_2022, ['I7'])).toBe(ZIN_2022);
  });

  it('hashes the record and the derived age, not the birth date', () => {
    const { record } = storedRecord();
    const h = judgedInputHash(record, 35);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(judgedInputHash(JSON.parse(JSON.stringify(record)) as ScreeningRecord, 35)).toBe(h);
    expect(judgedInputHash(record, 36)).not.toBe(h);
    expect(judgedInputHash({ ...record, edss: { ...record.edss, score: 4 } }, 35)).not.toBe(h);
    // Key order does not matter.
    const reordered = Object.fromEntries(Object.entries(record).reverse()) as ScreeningRecord;
    expect(judgedInputHash(reordered, 35)).toBe(h);
  });

  it('derives whole years of age', () => {
    expect(ageOn('1990-05-10', '2026-03-01')).toBe(35);
    expect(ageOn('1990-05-10', '2026-05-10')).toBe(36);
    expect(ageOn('1990-05-10', '2026-05-09')).toBe(35);
    expect(ageOn(null, '2026-03-01')).toBeNull();
    expect(ageOn('2027-01-01', '2026-03-01')).toBeNull();
  });

  it('keeps the birth date out of the engine results, which are stored and shown', () => {
    const { record, birthDate } = storedRecord();
    const raw = evaluate(engineInput(record, birthDate), ASSESSMENT_DATE, RAM_MS_V2);
    expect(JSON.stringify(raw)).not.toContain(birthDate);
    const many = evaluateMany(engineInput(record, birthDate), ASSESSMENT_DATE, [
      RAM_MS_V2,
      ZIN_2022,
    ]);
    expect(JSON.stringify(many)).not.toContain(birthDate);
  });
});
