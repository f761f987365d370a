import { buildDictionary } from '../../dictionary/build-dictionary';
import { plainDecimal } from '../plain-decimal';
import { csvCell } from './csv-cell';
import { type CsvColumn, csvDatasets } from './csv-columns';

const full = buildDictionary({ blinded: false });
const columns = csvDatasets(full).flatMap((d) => d.columns);
const first = (pred: (c: CsvColumn) => boolean) => {
  const c = columns.find(pred);
  if (!c) {
    throw new Error('no such column in the dictionary');
  }
  return c;
};
const col = {
  string: first((c) => c.type === 'string'),
  integer: first((c) => c.type === 'integer'),
  decimal: first((c) => c.type === 'decimal'),
  boolean: first((c) => c.type === 'boolean' && c.code === null),
  expanded: first((c) => c.code !== null),
  code: first((c) => c.type === 'code'),
  date: first((c) => c.type === 'date'),
  datetime: first((c) => c.type === 'datetime'),
};

describe('CSV cells (issue 17)', () => {
  it('writes each type by the conventions: empty = missing, 1/0, codes, ISO dates, UTC datetimes', () => {
    const codes = col.code.variable.codes!;
    const cases: [CsvColumn, Parameters<typeof csvCell>[1], string][] = [
      [col.string, null, ''],
      [col.integer, undefined, ''],
      [col.string, 'a, "b"\nc\r\nd\re ≥ é', 'a, "b"\rc\rd\re ≥ é'],
      [col.integer, -42, '-42'],
      [col.decimal, 1e-7, '0.0000001'],
      [col.decimal, -2.5e21, '-2500000000000000000000'],
      [col.boolean, true, '1'],
      [col.boolean, false, '0'],
      [col.expanded, 1, '1'],
      [col.expanded, 0, '0'],
      [col.code, codes[codes.length - 1].code, String(codes[codes.length - 1].code)],
      [col.date, '2026-02-28', '2026-02-28'],
      [col.datetime, '2026-01-02T03:04:05.678Z', '2026-01-02 03:04:05'],
    ];
    expect(cases.map(([c, v]) => csvCell(c, v, 'calendar'))).toEqual(cases.map(([, , s]) => s));
  });

  it('writes days since randomisation for dates and datetimes under datesAs days', () => {
    expect(csvCell(col.date, -12, 'days')).toBe('-12');
    expect(csvCell(col.datetime, 3.25, 'days')).toBe('3.25');
  });

  it('refuses a value of the wrong shape, a code outside the list and a calendar date under days', () => {
    const bad: [CsvColumn, Parameters<typeof csvCell>[1], 'calendar' | 'days'][] = [
      [col.integer, 1.5, 'calendar'],
      [col.integer, '3', 'calendar'],
      [col.decimal, Number.NaN, 'calendar'],
      [col.boolean, 2, 'calendar'],
      [col.code, 999, 'calendar'],
      [col.string, 3, 'calendar'],
      [col.date, '2026-2-28', 'calendar'],
      [col.date, '2026-02-28', 'days'],
      [col.datetime, '2026-01-02 03:04:05', 'calendar'],
      [col.datetime, '2026-01-02T03:04:05.000Z', 'days'],
    ];
    for (const [c, v, datesAs] of bad) {
      expect(() => csvCell(c, v, datesAs)).toThrow(c.name);
    }
  });

  it('never writes an exponent', () => {
    for (const n of [
      1e-7, 1.5e-10, 123e20, 1e21, -4.2e-9, 0.1, 123.456, 5e-324, 1.7976931348623157e308,
    ]) {
      const s = plainDecimal(n);
      expect(s).toMatch(/^-?\d+(\.\d+)?$/);
      expect(Number(s)).toBe(n);
    }
  });

  it('expands a multiple-choice variable into one 0/1 column per code, in code order', () => {
    const v = full.variables.find((x) => x.multiple && x.codes)!;
    const expanded = columns.filter((c) => c.variable === v);
    expect(expanded.map((c) => c.name)).toEqual(v.codes!.map((c) => `${v.name}_${c.code}`));
    expect(expanded.every((c) => c.type === 'boolean')).toBe(true);
  });
});
