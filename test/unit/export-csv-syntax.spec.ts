import { buildDictionary } from 'src/modules/exports/dictionary/build-dictionary';
import { csvDatasets } from 'src/modules/exports/formats/csv/csv-columns';
import { SCRIPTS, scriptModel } from 'src/modules/exports/formats/csv/scripts';
import { sasScript, sasString } from 'src/modules/exports/formats/csv/scripts/sas';
import type { ScriptModel } from 'src/modules/exports/formats/csv/scripts/script-model';
import { stataScript, stataString } from 'src/modules/exports/formats/csv/scripts/stata';
import type { ExportOptions } from 'src/modules/exports/formats/format.types';
import { exportContext, trickyLabels } from '../harness/synthetic-exports';

/**
 * The SAS and Stata scripts of the CSV export have no engine here: their shape is checked
 * (issue 17). Every dataset imported from its file, every column read and labelled, every code
 * list defined and applied, date informats and formats present, strings quoted and escaped so
 * nothing in a label can end a string, start a comment or expand a macro. R and SPSS syntax are
 * run by the engines in test/e2e/export-csv-readback.
 */

const DIR = '/var/exports/abc-123';
const model = (blinded: boolean, datesAs: ExportOptions['datesAs']): ScriptModel => {
  const dictionary = trickyLabels(buildDictionary({ blinded }));
  const ctx = exportContext(dictionary, DIR, { datesAs });
  return scriptModel(ctx, csvDatasets(dictionary), () => 2);
};
const MODELS = [
  ['full, calendar', model(false, 'calendar')],
  ['full, days', model(false, 'days')],
  ['blinded, calendar', model(true, 'calendar')],
] as const;

/** The text between `start` and the next `end` (throws when absent). */
function block(text: string, start: string, end: string): string {
  const at = text.indexOf(start);
  if (at < 0) {
    throw new Error(`no ${start}`);
  }
  return text.slice(at, text.indexOf(end, at) + end.length);
}

describe.each(MODELS)('the generated SAS program: %s (issue 17)', (_, m) => {
  const sas = sasScript(m);

  it('imports every dataset from its file, reading, formatting and labelling every column', () => {
    expect([...sas.matchAll(/^data work\.(\w+) /gm)].map((x) => x[1])).toEqual(
      m.datasets.map((d) => d.name),
    );
    for (const d of m.datasets) {
      const step = block(sas, `data work.${d.name} `, '\nrun;');
      expect(step).toContain(`(label=${sasString(d.label)});`);
      expect(step).toContain(`infile "&ramdir./${d.file}" dsd dlm=','`);
      expect(step).toMatch(/encoding='utf-8' termstr=lf;/);
      const input = block(step, '  input\n', '  ;').split('\n').slice(1, -1);
      expect(input).toEqual(
        d.variables.map((v) => `    ${v.name}${v.type === 'string' ? ' $' : ''}`),
      );
      const labels = block(step, '  label\n', '\n  ;');
      for (const v of d.variables) {
        expect(labels).toContain(`    ${v.name} = ${sasString(v.label)}\n`);
        const format = v.codeList
          ? `${v.codeList.id}.`
          : { date: 'yymmdd10.', datetime: 'e8601dt19.' }[v.type as 'date'];
        if (format) {
          expect(block(step, '  format\n', '\n  ;')).toContain(`    ${v.name} ${format}\n`);
        }
        if (v.type === 'date' || v.type === 'datetime') {
          const informat = v.type === 'date' ? 'yymmdd10.' : 'ymddttm19.';
          expect(block(step, '  informat\n', '\n  ;')).toContain(`    ${v.name} ${informat}\n`);
        }
        if (v.type === 'string') {
          expect(block(step, '  length\n', '\n  ;')).toContain(`    ${v.name} $${v.bytes}\n`);
        }
      }
    }
  });

  it('defines every code list once in PROC FORMAT, with every code and label', () => {
    const formats = block(sas, 'proc format;', '\nrun;');
    const used = new Set(m.datasets.flatMap((d) => d.variables.map((v) => v.codeList?.id)));
    expect([...formats.matchAll(/^ {2}value (\w+)$/gm)].map((x) => x[1])).toEqual(
      m.codeLists.map((l) => l.id),
    );
    for (const l of m.codeLists) {
      expect(used.has(l.id)).toBe(true);
      expect(l.id).toMatch(/^[A-Za-z_]\w{0,30}[A-Za-z_]$/);
      const value = block(formats, `  value ${l.id}\n`, '\n  ;');
      expect(value.split('\n').slice(1, -1)).toEqual(
        l.codes.map((c) => `    ${c.code} = ${sasString(c.label, 32767)}`),
      );
    }
  });

  it('quotes every label: outside the strings only SAS code, no macro trigger, no stray quote', () => {
    const outside = sas.replace(/'(?:[^']|'')*'/g, 'STR');
    expect(outside).not.toContain("'");
    expect(outside.replace(/%let ramdir = \.;|"&ramdir\.\/\w+\.csv"/g, '')).not.toMatch(/[%&"]/);
    expect(outside.replace(/^\/\* [^\n]* \*\/$/gm, '')).not.toMatch(/\/\*|\*\//);
    expect(sas).not.toContain(DIR);
    if (m.datesAs === 'days') {
      expect(sas).not.toMatch(/yymmdd10|ymddttm|e8601dt/);
    }
  });
});

describe.each(MODELS)('the generated Stata do-file: %s (issue 17)', (_, m) => {
  const stata = stataScript(m);
  const imports = stata.split(/^(?=import delimited )/m).slice(1);

  it('imports every dataset with each column forced to string or number, and saves it', () => {
    expect(imports.map((x) => /^import delimited using "(\w+)\.csv"/.exec(x)?.[1])).toEqual(
      m.datasets.map((d) => d.name),
    );
    for (const [i, d] of m.datasets.entries()) {
      const text = imports[i];
      const cols = (opt: string) =>
        (new RegExp(`${opt}\\(([\\d ]+)\\)`).exec(text)?.[1] ?? '')
          .split(' ')
          .filter(Boolean)
          .map(Number);
      const texts = d.variables.flatMap((v, k) =>
        v.type === 'string' || v.type === 'date' || v.type === 'datetime' ? [k + 1] : [],
      );
      expect(cols('stringcols')).toEqual(texts);
      expect([...cols('stringcols'), ...cols('numericcols')].sort((a, b) => a - b)).toEqual(
        d.variables.map((_v, k) => k + 1),
      );
      expect(text).toMatch(/bindquote\(strict\) encoding\("utf-8"\)/);
      expect(text).toContain(`label data ${stataString(d.label, 80)}\n`);
      for (const v of d.variables) {
        expect(text).toContain(`label variable ${v.name} ${stataString(v.label, 80)}\n`);
        if (v.type === 'date') {
          expect(text).toContain(`generate double _ram_t = date(${v.name}, "YMD")\n`);
          expect(text).toContain(`format ${v.name} %td`);
        }
        if (v.type === 'datetime') {
          expect(text).toContain(`generate double _ram_t = clock(${v.name}, "YMDhms")\n`);
          expect(text).toContain(`format ${v.name} %tc`);
        }
      }
      expect(text).toContain(`order ${d.variables.map((v) => v.name).join(' ')}\n`);
      expect(text).toContain(`save "${d.name}.dta", replace\n`);
    }
  });

  it('defines every code list a dataset uses, with every code, and applies it to its columns', () => {
    for (const [i, d] of m.datasets.entries()) {
      const text = imports[i];
      for (const l of new Set(d.variables.flatMap((v) => (v.codeList ? [v.codeList] : [])))) {
        const define = block(text, `label define ${l.id} ///\n`, '  , replace');
        expect(define.split('\n').slice(1, -1)).toEqual(
          l.codes.map((c) => `  ${c.code} ${stataString(c.label)} ///`),
        );
        const names = d.variables.filter((v) => v.codeList === l).map((v) => v.name);
        expect(text).toContain(`label values ${names.join(' ')} ${l.id}\n`);
      }
    }
  });

  it('escapes labels: no macro expansion, no end of quotes, no comment inside a string', () => {
    const strings = [...stata.matchAll(/`"(.*?)"'/g)].map((x) => x[1]);
    expect(strings.length).toBeGreaterThan(100);
    for (const s of strings) {
      expect({ s, bad: /(^|[^\\])[$`]|\/\*|\*\/|\/\/|"'/.test(s) }).toEqual({ s, bad: false });
    }
    const outside = stata
      .replace(/`"(.*?)"'/g, '')
      .replace(/"\w+\.(csv|dta)"|"YMD(hms)?"|"utf-8"|delimiters\(","\)/g, '')
      .replace(/ \/\/\/$/gm, '');
    expect(outside).not.toMatch(/["'`$]|\/\*|\*\/|\/\//);
    expect(stata).not.toContain(DIR);
  });
});

describe('the scripts of the CSV export (issue 17)', () => {
  it('are one generator per language; a label with a quote is escaped the way each language needs', () => {
    expect(SCRIPTS.map((s) => s.file)).toEqual([
      'read_data.R',
      'read_data.sas',
      'read_data.sps',
      'read_data.do',
    ]);
    expect(sasString(`it's 100% & "ok"`)).toBe(`'it''s 100% & "ok"'`);
    expect(stataString('a $b `c\' "d"\' \\$e')).toBe('`"a \\$b \\`c\' "d" \' \\\\\\$e"\'');
  });
});
