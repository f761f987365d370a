import { csvText } from 'src/common/csv/csv-line';
import type { ExportOptions, ExportValue } from '../format.types';
import type { CsvColumn } from './csv-columns';
import { plainDecimal } from '../plain-decimal';

/**
 * How one value is written into a CSV cell: the conventions of the CSV export, in one place.
 *
 * - Missing (null or absent) is the empty field. An empty string is written the same way.
 * - string: as is (csv-stringify quotes it per RFC 4180 when it holds a comma, quote or line end),
 *   except that each line break inside it (CR LF, LF or CR) is written as one CR: SPSS (PSPP) and
 *   SAS read one record per physical line, even inside quotes, and keep a CR as a character; R
 *   reads it back as LF, and the generated SAS, SPSS and Stata scripts turn it back into LF.
 * - integer, code: the integer (a code is its numeric code in the dictionary's code list).
 * - decimal: '.' as the decimal mark, never an exponent (1e-7 is written 0.0000001).
 * - boolean (and each 0/1 column of a multiple-choice variable): 1 or 0.
 * - date: YYYY-MM-DD; with `datesAs: 'days'` the integer days since randomisation.
 * - datetime: 'YYYY-MM-DD HH:MM:SS' in UTC (read by R, SAS, SPSS and Stata alike; sub-second
 *   digits are dropped); with `datesAs: 'days'` the days since randomisation as a decimal.
 *
 * A value of the wrong shape (a string for an integer, a code not in the code list, a calendar
 * date in a days export, …) throws: the row source broke the contract, and a malformed or
 * calendar-revealing file must not be written.
 */
export function csvCell(
  column: CsvColumn,
  value: ExportValue | undefined,
  datesAs: ExportOptions['datesAs'],
): string {
  if (value === null || value === undefined) {
    return '';
  }
  const bad = (what: string) =>
    new Error(`${column.name}: ${JSON.stringify(value)} is not ${what}`);
  switch (column.type) {
    case 'string':
      if (typeof value !== 'string') {
        throw bad('a string');
      }
      return csvText(value);
    case 'integer':
      if (!Number.isSafeInteger(value)) {
        throw bad('an integer');
      }
      return String(value);
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw bad('a finite number');
      }
      return plainDecimal(value);
    case 'boolean':
      if (typeof value === 'boolean') {
        return value ? '1' : '0';
      }
      if (value === 0 || value === 1) {
        return String(value);
      }
      throw bad('a boolean or 0/1');
    case 'code':
      if (!Number.isSafeInteger(value) || !column.variable.codes?.some((c) => c.code === value)) {
        throw bad(`a code of ${column.name}'s code list`);
      }
      return String(value);
    case 'date':
      if (datesAs === 'days') {
        if (!Number.isSafeInteger(value)) {
          throw bad('days since randomisation (an integer)');
        }
        return String(value);
      }
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        throw bad('a date YYYY-MM-DD');
      }
      return value;
    case 'datetime': {
      if (datesAs === 'days') {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw bad('days since randomisation (a number)');
        }
        return plainDecimal(value);
      }
      const m =
        typeof value === 'string'
          ? /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(value)
          : null;
      if (!m) {
        throw bad('an ISO 8601 UTC datetime');
      }
      return `${m[1]} ${m[2]}`;
    }
  }
}
