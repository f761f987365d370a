import {
  codeListsOf,
  type ScriptModel,
  type ScriptType,
  type ScriptVariable,
  truncateBytes,
} from './script-model';

/**
 * The SPSS syntax (runs in PSPP): one GET DATA per CSV file (ENCODING='UTF-8', delimited, quoted),
 * each kept as a dataset of its name (DATASET COPY), with VARIABLE LABELS, VALUE LABELS per code
 * list, measurement levels, dates as SDATE10 and datetimes as YMDHMS19. The file starts with the
 * `* Encoding: UTF-8.` line SPSS Statistics reads; PSPP reads UTF-8 syntax in any locale.
 */

/**
 * An SPSS single-quoted string (quotes doubled; at most `maxBytes` bytes), cut into pieces of 60
 * characters joined by `+` on separate lines: SPSS syntax lines may not exceed 256 bytes.
 */
export function spssString(s: string, maxBytes: number): string {
  const chars = [...truncateBytes(s.replace(/[\r\n]+/g, ' '), maxBytes)];
  const pieces: string[] = [];
  for (let i = 0; i === 0 || i < chars.length; i += 60) {
    pieces.push(
      `'${chars
        .slice(i, i + 60)
        .join('')
        .replace(/'/g, "''")}'`,
    );
  }
  return pieces.join(' +\n    ');
}

/** Names, a few to a line (short syntax lines). */
const nameLines = (names: string[], indent: string) => {
  const out: string[] = [];
  for (let i = 0; i < names.length; i += 6) {
    out.push(indent + names.slice(i, i + 6).join(' '));
  }
  return out.join('\n');
};

/** SPSS limits: variable labels 255 bytes, value labels 120. */
const VARIABLE_LABEL_BYTES = 255;
const VALUE_LABEL_BYTES = 120;

/** How each type is read (numbers without implied decimals) and shown (null: as read). */
const FORMATS: Record<
  ScriptType,
  { input: (v: ScriptVariable) => string; display: (v: ScriptVariable) => string | null }
> = {
  string: { input: (v) => `A${v.bytes}`, display: () => null },
  integer: { input: () => 'F40.0', display: () => 'F11.0' },
  code: { input: () => 'F40.0', display: () => 'F11.0' },
  boolean: { input: () => 'F1.0', display: () => null },
  decimal: {
    input: () => 'F40.0',
    display: (v) => `F${Math.min(40, 24 + v.decimals)}.${Math.min(16, v.decimals)}`,
  },
  date: { input: () => 'SDATE10', display: () => null },
  datetime: { input: () => 'YMDHMS19', display: () => null },
};
const inputFormat = (v: ScriptVariable) => FORMATS[v.type].input(v);
const displayFormat = (v: ScriptVariable) => FORMATS[v.type].display(v);

export function spssScript(model: ScriptModel): string {
  const lines = [
    '* Encoding: UTF-8.',
    ...model.header.map((l) => `* ${l}`),
    '* PSPP: keep text in UTF-8 whatever the locale (SPSS Statistics: use Unicode mode).',
    "SET LOCALE='UTF-8'.",
    '* Each dataset is kept open under its name (DATASET ACTIVATE <name>.).',
    '* In SPSS Statistics, first CD to the export folder.',
  ];
  for (const d of model.datasets) {
    const strings = d.variables.filter((v) => v.type === 'string');
    const formatted = d.variables.filter((v) => displayFormat(v) !== null);
    const nominal = d.variables.filter((v) => v.codeList).map((v) => v.name);
    lines.push(
      '',
      `GET DATA /TYPE=TXT /FILE=${spssString(d.file, 255)} /ENCODING='UTF-8'`,
      `  /ARRANGEMENT=DELIMITED /DELCASE=LINE /FIRSTCASE=2 /DELIMITERS=',' /QUALIFIER='"'`,
      '  /VARIABLES=',
      ...d.variables.map((v) => `    ${v.name} ${inputFormat(v)}`),
      '.',
      ...strings.map((v) => `COMPUTE ${v.name} = REPLACE(${v.name}, X'0D', X'0A').`),
      ...formatted.map((v) => `FORMATS ${v.name} (${displayFormat(v)}).`),
      'VARIABLE LABELS',
      d.variables
        .map((v) => `  ${v.name} ${spssString(v.label, VARIABLE_LABEL_BYTES)}`)
        .join(' /\n'),
      '.',
      ...(codeListsOf(d).length > 0
        ? [
            'VALUE LABELS',
            codeListsOf(d)
              .map((l) =>
                [
                  nameLines(
                    d.variables.filter((v) => v.codeList === l).map((v) => v.name),
                    '  ',
                  ),
                  ...l.codes.map((c) => `    ${c.code} ${spssString(c.label, VALUE_LABEL_BYTES)}`),
                ].join('\n'),
              )
              .join(' /\n'),
            '.',
          ]
        : []),
      ...(nominal.length > 0 ? ['VARIABLE LEVEL', nameLines(nominal, '  '), '  (NOMINAL).'] : []),
      `FILE LABEL ${spssString(d.label, 64)}.`,
      'EXECUTE.',
      `DATASET COPY ${d.name}.`,
    );
  }
  lines.push('', `DATASET ACTIVATE ${model.datasets[0]?.name ?? 'participants'}.`);
  return `${lines.join('\n')}\n`;
}
