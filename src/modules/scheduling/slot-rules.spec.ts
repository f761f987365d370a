import {
  assessWait,
  chooseSlot,
  describeWait,
  firstFree,
  moveUpAdmission,
  quarterLabel,
  slotOptions,
} from './slot-rules';

describe('slot rules', () => {
  it('chooses the first quarter with a free place from the earliest admission on', () => {
    const usage = [
      { quarter: '2027-Q1', capacity: 2, used: 2 },
      { quarter: '2027-Q2', capacity: 1, used: 0 },
    ];
    expect(chooseSlot('2027-02-10', usage, 4)).toEqual({
      quarter: '2027-Q2',
      earliestAdmission: '2027-04-01',
    });
    expect(chooseSlot('2027-02-10', [{ quarter: '2027-Q1', capacity: 2, used: 1 }], 4)).toEqual({
      quarter: '2027-Q1',
      earliestAdmission: '2027-02-10',
    });
    // Quarters without a usage row (beyond the horizon read) have no place.
    expect(chooseSlot('2027-02-10', usage.slice(0, 1), 4)).toBeNull();
    expect(chooseSlot('2027-02-10', [{ quarter: '2027-Q1', capacity: 0, used: 0 }], 1)).toBeNull();
  });

  it('[REQ-SLOT-004] the waiting-time rule: waitlisted always exceeds, exactly the limit does not', () => {
    expect(assessWait('2026-01-15', null, 3)).toEqual({ wait: null, exceedsLimit: true });
    expect(assessWait('2026-01-15', '2026-04-15', 3).exceedsLimit).toBe(false);
    expect(assessWait('2026-01-15', '2026-04-16', 3).exceedsLimit).toBe(true);
    expect(describeWait(assessWait('2026-01-10', '2026-07-01', 3).wait!)).toBe('5 months 21 days');
    expect(describeWait(assessWait('2026-01-10', '2026-03-07', 3).wait!)).toBe('1 month 25 days');
    expect(describeWait(assessWait('2026-01-10', '2026-01-20', 3).wait!)).toBe('10 days');
    expect(describeWait(assessWait('2026-01-10', '2026-04-10', 3).wait!)).toBe('3 months');
  });

  it('a moved-up booking is admitted on the first allowed day of the freed quarter, never in the past', () => {
    expect(moveUpAdmission('2027-Q1', '2026-12-01', '2026-11-20')).toBe('2027-01-01');
    expect(moveUpAdmission('2027-Q1', '2027-02-01', '2026-11-20')).toBe('2027-02-01');
    expect(moveUpAdmission('2027-Q1', '2026-12-01', '2027-02-15')).toBe('2027-02-15');
    expect(moveUpAdmission('2027-Q1', '2027-04-02', '2026-11-20')).toBeNull();
  });

  it('labels quarters the way people read them', () => {
    expect(quarterLabel('2027-Q3')).toBe('Q3 2027');
  });

  it('precomputed options pick the same slot as chooseSlot, with the wait of each quarter', () => {
    const options = slotOptions('2026-01-10', '2026-03-07', 4, 3);
    expect(options).toEqual([
      { quarter: '2026-Q1', admission: '2026-03-07', exceedsLimit: false },
      { quarter: '2026-Q2', admission: '2026-04-01', exceedsLimit: false },
      { quarter: '2026-Q3', admission: '2026-07-01', exceedsLimit: true },
      { quarter: '2026-Q4', admission: '2026-10-01', exceedsLimit: true },
    ]);
    for (const o of options) {
      expect(o.exceedsLimit).toBe(assessWait('2026-01-10', o.admission, 3).exceedsLimit);
    }
    // The limit day itself does not exceed; the day after does (month ends clamp).
    expect(slotOptions('2026-01-15', '2026-04-15', 2, 3).map((o) => o.exceedsLimit)).toEqual([
      false,
      true,
    ]);
    expect(slotOptions('2026-11-30', '2027-02-28', 2, 3).map((o) => o.exceedsLimit)).toEqual([
      false,
      true,
    ]);
    const quarters = options.map((o) => o.quarter);
    for (let mask = 0; mask < 16; mask++) {
      const usage = quarters.map((quarter, i) => ({ quarter, capacity: 1, used: (mask >> i) & 1 }));
      const picked = firstFree(options, new Map(usage.map((u) => [u.quarter, u])));
      const expected = chooseSlot('2026-03-07', usage, 4);
      expect(picked && { quarter: picked.quarter, earliestAdmission: picked.admission }).toEqual(
        expected,
      );
    }
  });
});
