import { type ScriptModel, type ScriptVariable, truncateBytes } from './script-model';

/**
 * The SAS program: PROC FORMAT with one numeric format per code list, then one DATA step per CSV
 * file into WORK (INFILE DSD with ENCODING='utf-8' and TERMSTR=LF, strings with their byte
 * lengths, dates read with YYMMDD10. and datetimes with YMDDTTM19., shown as YYMMDD10. and
 * E8601DT19.; labels on every variable and on the data set). Text is in single quotes (no macro
 * resolution; quotes doubled). It needs a UTF-8 SAS session for non-ASCII labels and text.
 */

/** A SAS single-quoted string (labels: at most 256 bytes). */
export function sasString(s: string, maxBytes = 256): string {
  return `'${truncateBytes(s.replace(/[\r\n]+/g, ' '), maxBytes).replace(/'/g, "''")}'`;
}

const INFORMAT: Partial<Record<ScriptVariable['type'], string>> = {
  date: 'yymmdd10.',
  datetime: 'ymddttm19.',
};
const FORMAT: Partial<Record<ScriptVariable['type'], string>> = {
  date: 'yymmdd10.',
  datetime: 'e8601dt19.',
};

/** `<keyword> <items> ;`, one item a line; nothing when there are no items. */
const statement = (keyword: string, items: string[]) =>
  items.length > 0 ? [`  ${keyword}`, ...items.map((i) => `    ${i}`), '  ;'] : [];

function formatOf(v: ScriptVariable): string | undefined {
  return v.codeList ? `${v.codeList.id}.` : FORMAT[v.type];
}

export function sasScript(model: ScriptModel): string {
  const lines = [
    ...model.header.map((l) => `/* ${l} */`),
    '/* Each dataset becomes WORK.<dataset>. Set ramdir to the export folder if SAS does not */',
    '/* run in it. Run in a UTF-8 session (SAS 9.4 with Unicode support, or SAS Viya). */',
    '%let ramdir = .;',
    '',
    'proc format;',
    ...model.codeLists.flatMap((l) => [
      `  value ${l.id}`,
      ...l.codes.map((c) => `    ${c.code} = ${sasString(c.label, 32767)}`),
      '  ;',
    ]),
    'run;',
  ];
  for (const d of model.datasets) {
    const strings = d.variables.filter((v) => v.type === 'string');
    const informats = d.variables.filter((v) => INFORMAT[v.type]);
    const formats = d.variables.filter((v) => formatOf(v));
    lines.push(
      '',
      `data work.${d.name} (label=${sasString(d.label)});`,
      `  infile "&ramdir./${d.file}" dsd dlm=',' firstobs=2 truncover lrecl=10000000`,
      `    encoding='utf-8' termstr=lf;`,
      ...statement(
        'length',
        strings.map((v) => `${v.name} $${v.bytes}`),
      ),
      ...statement(
        'informat',
        informats.map((v) => `${v.name} ${INFORMAT[v.type]}`),
      ),
      ...statement(
        'format',
        formats.map((v) => `${v.name} ${formatOf(v)}`),
      ),
      ...statement(
        'input',
        d.variables.map((v) => `${v.name}${v.type === 'string' ? ' $' : ''}`),
      ),
      ...strings.map((v) => `  ${v.name} = translate(${v.name}, '0A'x, '0D'x);`),
      ...statement(
        'label',
        d.variables.map((v) => `${v.name} = ${sasString(v.label)}`),
      ),
      'run;',
    );
  }
  return `${lines.join('\n')}\n`;
}
