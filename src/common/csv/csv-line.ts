import { stringify } from 'csv-stringify/sync';

/**
 * CSV lines as the project writes them (the exports and the audit history alike): comma-separated,
 * RFC 4180 quoting by csv-stringify, '\n' line ends. A field is quoted when it holds a comma,
 * quote or line end (csv-stringify quotes LF but not a lone CR on its own), or starts or ends with
 * white space (some readers trim unquoted fields).
 */

/** How a line break inside a text value is written (see csvText). */
export const TEXT_LINE_BREAK = '\r';

/**
 * A text value for a cell: each line break inside it (CR LF, LF or CR) is written as one CR: SPSS
 * (PSPP) and SAS read one record per physical line, even inside quotes, and keep a CR as a
 * character; R reads it back as LF, and the generated scripts turn it back into LF.
 */
export function csvText(value: string): string {
  return value.replace(/\r\n|\r|\n/g, TEXT_LINE_BREAK);
}

/** One line of cells (already written as text), quoted where needed, ending in '\n'. */
export function csvLine(cells: readonly string[]): string {
  return stringify([cells as string[]], {
    record_delimiter: '\n',
    quoted_match: [/\r/, /^\s|\s$/],
  });
}
