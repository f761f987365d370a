import { codeListsOf, type ScriptModel, type ScriptVariable } from './script-model';

/**
 * The Stata do-file (Stata 14 or later: UTF-8): each CSV file is imported with `import delimited`
 * (strings and numbers forced per column), labelled (`label variable`, `label define` per code
 * list and `label values`), dates converted with date(…, "YMD") to %td and datetimes with
 * clock(…, "YMDhms") to %tc, and saved as <dataset>.dta in the export folder.
 */

/** Stata's limit on a variable label, in characters. */
const VARIABLE_LABEL_CHARS = 80;

/**
 * A Stata compound-quoted string. `$` and a backquote are escaped (no macro expansion); the
 * sequences Stata would read as the end of the quotes or as comments (`"'`, `/*`, `*\/`, `//`)
 * get a space inserted, so a label changes in those rare places rather than break the file.
 */
export function stataString(s: string, maxChars = 32000): string {
  const body = [...s.replace(/[\r\n]+/g, ' ')]
    .slice(0, maxChars)
    .join('')
    .replace(/"'/g, `" '`)
    .replace(/\/\*/g, '/ *')
    .replace(/\*\//g, '* /')
    .replace(/\/\//g, '/ /')
    .replace(/\\(?=[$`])/g, '\\\\')
    .replace(/[$`]/g, (c) => `\\${c}`);
  return `\`"${body}"'`;
}

const isText = (v: ScriptVariable) =>
  v.type === 'string' || v.type === 'date' || v.type === 'datetime';

/** A numlist of 1-based column positions, e.g. `1 2 5`. */
const positions = (vs: ScriptVariable[], all: ScriptVariable[]) =>
  vs.map((v) => all.indexOf(v) + 1).join(' ');

export function stataScript(model: ScriptModel): string {
  const lines = [
    ...model.header.map((l) => `* ${l}`),
    '* Each dataset is saved as <dataset>.dta in the current folder. Run: do read_data.do',
    'version 14',
    'set more off',
  ];
  for (const d of model.datasets) {
    const vs = d.variables;
    const texts = vs.filter(isText);
    const numbers = vs.filter((v) => !isText(v));
    lines.push(
      '',
      `import delimited using "${d.file}", clear varnames(1) delimiters(",") ///`,
      `  bindquote(strict) encoding("utf-8") case(preserve) stripquotes(default) ///`,
      ...(texts.length > 0 ? [`  stringcols(${positions(texts, vs)}) ///`] : []),
      ...(numbers.length > 0 ? [`  numericcols(${positions(numbers, vs)}) ///`] : []),
      '  asdouble',
      `label data ${stataString(d.label, VARIABLE_LABEL_CHARS)}`,
    );
    for (const v of vs) {
      if (v.type === 'string') {
        lines.push(`quietly replace ${v.name} = subinstr(${v.name}, char(13), char(10), .)`);
      } else if (v.type === 'date' || v.type === 'datetime') {
        const [fn, mask, fmt] =
          v.type === 'date'
            ? ['date', 'YMD', '%tdCCYY-NN-DD']
            : ['clock', 'YMDhms', '%tcCCYY-NN-DD_HH:MM:SS'];
        lines.push(
          `generate double _ram_t = ${fn}(${v.name}, "${mask}")`,
          `drop ${v.name}`,
          `rename _ram_t ${v.name}`,
          `format ${v.name} ${fmt}`,
        );
      }
      lines.push(`label variable ${v.name} ${stataString(v.label, VARIABLE_LABEL_CHARS)}`);
    }
    for (const l of codeListsOf(d)) {
      lines.push(`label define ${l.id} ///`);
      lines.push(...l.codes.map((c) => `  ${c.code} ${stataString(c.label)} ///`), '  , replace');
      lines.push(
        `label values ${vs
          .filter((v) => v.codeList === l)
          .map((v) => v.name)
          .join(' ')} ${l.id}`,
      );
    }
    lines.push(`order ${vs.map((v) => v.name).join(' ')}`, `save "${d.name}.dta", replace`);
  }
  return `${lines.join('\n')}\n`;
}
