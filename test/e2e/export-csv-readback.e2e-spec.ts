import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDictionary } from 'src/modules/exports/dictionary/build-dictionary';
import type { Dictionary } from 'src/modules/exports/dictionary/dictionary.types';
import { type CsvColumn, csvDatasets } from 'src/modules/exports/formats/csv/csv-columns';
import { csvFormat } from 'src/modules/exports/formats/csv/csv.format';
import { SCRIPTS } from 'src/modules/exports/formats/csv/scripts';
import { truncateBytes } from 'src/modules/exports/formats/csv/scripts/script-model';
import type {
  ExportedFile,
  ExportOptions,
  ExportValue,
  ParticipantExport,
} from 'src/modules/exports/formats/format.types';
import { exportContext, syntheticParticipants, trickyLabels } from '../harness/synthetic-exports';

/**
 * The CSV export read back by the real engines (issue 17): synthetic participants with every
 * type, missing values, quotes, commas, line breaks and non-ASCII text (labels too) go through the
 * CSV format; the generated read_data.R runs in Rscript and read_data.sps in PSPP, and what they
 * read (rows per dataset, types, labels, value labels, every value) must be what went in. Needs
 * Debian's r-base-core and pspp (scripts/ensure-test-tools.sh installs them).
 */

type DatesAs = ExportOptions['datesAs'];

function requireTool(tool: string, pkg: string) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    throw new Error(`${tool} is missing: install Debian's ${pkg} (apt-get install -y ${pkg})`);
  }
}

/** Runs a tool in the export folder, in the given locale. */
function run(cmd: string, args: string[], cwd: string, locale = 'C.UTF-8') {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, LANG: locale, LC_ALL: locale },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) {
    throw r.error;
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Case = { name: string; dictionary: Dictionary; datesAs: DatesAs; count: number };
const full = buildDictionary({ blinded: false });
const blinded = buildDictionary({ blinded: true });
const CASES = (
  [
    { name: 'full, calendar dates', dictionary: full, datesAs: 'calendar', count: 24 },
    { name: 'full, days since randomisation', dictionary: full, datesAs: 'days', count: 24 },
    { name: 'blinded, calendar dates', dictionary: blinded, datesAs: 'calendar', count: 24 },
    // One participant: some files have a header and no rows.
    { name: 'blinded, days, one participant', dictionary: blinded, datesAs: 'days', count: 1 },
  ] satisfies Case[]
).map((c): Case => ({ ...c, dictionary: trickyLabels(c.dictionary) }));

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function exportTo(c: Case, participants: ParticipantExport[]) {
  const dir = mkdtempSync(join(tmpdir(), 'ram-csv-'));
  dirs.push(dir);
  const writer = await csvFormat.open(exportContext(c.dictionary, dir, { datesAs: c.datesAs }));
  for (const p of participants) {
    await writer.participant(p);
  }
  return { dir, files: await writer.close() };
}

/** The value a column of one row holds in the input (a multiple-choice column by its own name). */
const input = (row: Record<string, ExportValue>, c: CsvColumn) => row[c.name] ?? null;

/** The labels the scripts give a column. */
const labelOf = (c: CsvColumn, datesAs: DatesAs) =>
  datesAs === 'days' && (c.type === 'date' || c.type === 'datetime')
    ? `${c.label} (days since randomisation)`
    : c.label;

const lines = (s: string) => s.replace(/\r\n|\r|\n/g, '\n');

/** A minimal RFC 4180 reader (PSPP's CSV output), rows of any length. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Prints what R read, as JSON: per dataset its rows, label and per column class, labels, values. */
const R_DUMP = String.raw`
source("read_data.R")
esc <- function(x) paste0(vapply(utf8ToInt(x), function(c)
  if (c < 32) sprintf("\\u%04x", c) else if (c == 34) '\\"' else if (c == 92) "\\\\" else intToUtf8(c),
  ""), collapse = "")
js <- function(s) {
  if (is.null(s)) return("null")
  out <- rep("null", length(s))
  ok <- !is.na(s)
  out[ok] <- vapply(s[ok], function(x) paste0('"', esc(x), '"'), "", USE.NAMES = FALSE)
  out
}
arr <- function(v) paste0("[", paste(v, collapse = ","), "]")
vals <- function(x) {
  s <- if (inherits(x, "POSIXct")) format(x, "%Y-%m-%d %H:%M:%S", tz = "UTC")
    else if (inherits(x, "Date")) format(x, "%Y-%m-%d")
    else if (is.factor(x)) as.character(x)
    else if (is.double(x)) sprintf("%.17g", x)
    else as.character(x)
  s[is.na(x)] <- NA
  arr(vapply(s, js, ""))
}
out <- character()
for (name in strsplit(Sys.getenv("RAM_DATASETS"), ",")[[1]]) {
  d <- get(name)
  cols <- vapply(names(d), function(n) {
    x <- d[[n]]
    l <- attr(x, "labels")
    paste0('{"name":', js(n), ',"class":', js(class(x)[1]), ',"label":', js(attr(x, "label")),
      ',"levels":', if (is.factor(x)) arr(vapply(levels(x), js, "")) else "null",
      ',"labels":', if (is.null(l)) "null" else arr(paste0("[", js(names(l)), ",", l, "]")),
      ',"values":', vals(x), '}')
  }, "")
  out <- c(out, paste0('{"name":', js(name), ',"label":', js(attr(d, "label")), ',"rows":', nrow(d),
    ',"columns":', arr(cols), '}'))
}
cat(arr(out))
`;

type RColumn = {
  name: string;
  class: string;
  label: string;
  levels: string[] | null;
  labels: [string, number][] | null;
  values: (string | null)[];
};
type RDataset = { name: string; label: string; rows: number; columns: RColumn[] };

const R_CLASS: Record<CsvColumn['type'], [string, string]> = {
  string: ['character', 'character'],
  integer: ['integer', 'integer'],
  decimal: ['numeric', 'numeric'],
  date: ['Date', 'integer'],
  datetime: ['POSIXct', 'numeric'],
  boolean: ['integer', 'integer'],
  code: ['factor', 'factor'],
};

/** What R should read for an input value (numbers compared as numbers). */
function rValue(c: CsvColumn, v: ExportValue, datesAs: DatesAs): string | number | null {
  if (v === null || v === '') {
    return null;
  }
  if (typeof v === 'boolean') {
    return v ? '1' : '0';
  }
  if (typeof v === 'number') {
    return c.type === 'code'
      ? c.variable.codes!.find((x) => x.code === v)!.label
      : c.type === 'decimal' || (datesAs === 'days' && c.type === 'datetime')
        ? v
        : String(v);
  }
  return c.type === 'datetime' ? v.slice(0, 19).replace('T', ' ') : lines(v);
}

/** What PSPP's LIST shows for an input value (strings trimmed: SPSS pads them with blanks). */
function psppValue(c: CsvColumn, v: ExportValue): string | number {
  if (v === null || v === '') {
    return c.type === 'string' ? '' : '.';
  }
  if (typeof v !== 'string') {
    return Number(v);
  }
  return c.type === 'date'
    ? v.replace(/-/g, '/')
    : c.type === 'datetime'
      ? v.slice(0, 19).replace('T', ' ')
      : lines(v).trim();
}

describe.each(CASES)('the CSV export read back by R and PSPP: $name (issue 17)', (c) => {
  const participants = syntheticParticipants(c.dictionary, { count: c.count, datesAs: c.datesAs });
  const datasets = csvDatasets(c.dictionary);
  const rowsOf = (name: string) => participants.flatMap((p) => p.rows[name] ?? []);
  let exported: { dir: string; files: ExportedFile[] };

  beforeAll(async () => {
    exported = await exportTo(c, participants);
  });

  it('writes one UTF-8 CSV per dataset (header, row counts, \\n ends, no BOM) and the four scripts', () => {
    const { dir, files } = exported;
    expect(files).toEqual([
      ...datasets.map((d) => ({ name: d.file, rows: rowsOf(d.name).length })),
      ...SCRIPTS.map((s) => ({ name: s.file, rows: 0 })),
    ]);
    expect(readdirSync(dir).sort()).toEqual(files.map((f) => f.name).sort());
    expect(rowsOf('participants')).toHaveLength(participants.length);
    for (const d of datasets) {
      const bytes = readFileSync(join(dir, d.file));
      expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
      const text = bytes.toString('utf8');
      expect(text.split('\n')[0]).toBe(d.columns.map((x) => x.name).join(','));
      expect(text.endsWith('\n')).toBe(true);
      expect(text).not.toContain('\r\n');
      expect(parseCsv(text)).toHaveLength(rowsOf(d.name).length + 1);
    }
    const counts = datasets.map((d) => rowsOf(d.name).length);
    if (c.count === 1) {
      expect(counts).toContain(0);
    } else {
      expect(Math.max(...counts)).toBeGreaterThan(participants.length);
    }
  });

  it('gives byte-identical files for the same participants', async () => {
    const again = await exportTo(c, participants);
    for (const f of exported.files) {
      expect({
        f: f.name,
        same: readFileSync(join(again.dir, f.name)).equals(
          readFileSync(join(exported.dir, f.name)),
        ),
      }).toEqual({ f: f.name, same: true });
    }
  });

  it('[REQ-EXP-001] Rscript runs read_data.R without a warning and reads every row, type, label and value', () => {
    requireTool('Rscript', 'r-base-core');
    const plain = run('Rscript', ['read_data.R'], exported.dir);
    expect({ status: plain.status, stderr: plain.stderr }).toEqual({ status: 0, stderr: '' });
    writeFileSync(join(exported.dir, 'dump.R'), R_DUMP);
    process.env.RAM_DATASETS = datasets.map((d) => d.name).join(',');
    const dumped = run('Rscript', ['dump.R'], exported.dir);
    expect({ status: dumped.status, stderr: dumped.stderr }).toEqual({ status: 0, stderr: '' });
    const read = JSON.parse(dumped.stdout) as RDataset[];
    const days = c.datesAs === 'days' ? 1 : 0;
    expect(read.map((d) => [d.name, d.rows, d.label])).toEqual(
      datasets.map((d) => [d.name, rowsOf(d.name).length, d.label]),
    );
    for (const [i, d] of datasets.entries()) {
      const rows = rowsOf(d.name);
      expect(read[i].columns.map((x) => x.name)).toEqual(d.columns.map((x) => x.name));
      for (const [j, col] of d.columns.entries()) {
        const got = read[i].columns[j];
        const codes = col.type === 'code' ? col.variable.codes! : null;
        expect({
          col: col.name,
          class: got.class,
          label: got.label,
          levels: got.levels,
          labels: got.labels,
        }).toEqual({
          col: col.name,
          class: R_CLASS[col.type][days],
          label: labelOf(col, c.datesAs),
          levels: codes ? codes.map((x) => x.label) : null,
          labels:
            col.type === 'boolean'
              ? [
                  ['No', 0],
                  ['Yes', 1],
                ]
              : null,
        });
        const want = rows.map((r) => rValue(col, input(r, col), c.datesAs));
        const have = got.values.map((v, k) =>
          typeof want[k] === 'number' && v !== null ? Number(v) : v,
        );
        expect({ col: col.name, values: have }).toEqual({ col: col.name, values: want });
      }
    }
  });

  it('[REQ-EXP-001] pspp runs read_data.sps without an error or warning and reads every row, type, label and value', () => {
    requireTool('pspp', 'pspp');
    const check = datasets
      .map(
        (d) =>
          `ECHO 'RAM dataset ${d.name}'.\nDATASET ACTIVATE ${d.name}.\nDISPLAY DICTIONARY.\nLIST.\n`,
      )
      .join('');
    writeFileSync(join(exported.dir, 'check.sps'), check);
    // In the C (ASCII) locale: the syntax itself must make PSPP keep text in UTF-8.
    const r = run(
      'pspp',
      ['-O', 'format=csv', '-o', 'out.csv', 'read_data.sps', 'check.sps'],
      exported.dir,
      'C',
    );
    const out = readFileSync(join(exported.dir, 'out.csv'), 'utf8');
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(out).not.toMatch(/error|warning/i);
    // Split the output at the ECHO markers, then into its tables.
    const records = parseCsv(out).filter((x) => x.length > 1 || x[0] !== '');
    const byDataset = new Map<string, Map<string, string[][]>>();
    let tables: Map<string, string[][]> | undefined;
    let table: string[][] = [];
    for (const rec of records) {
      const marker = /^RAM dataset (\w+)$/.exec(rec.length === 1 ? rec[0] : '');
      const title = /^Table: (.+)$/.exec(rec.length === 1 ? rec[0] : '');
      if (marker) {
        tables = new Map();
        byDataset.set(marker[1], tables);
      } else if (title) {
        table = [];
        tables!.set(title[1], table);
      } else {
        table.push(rec);
      }
    }
    expect([...byDataset.keys()]).toEqual(datasets.map((d) => d.name));
    for (const d of datasets) {
      const t = byDataset.get(d.name)!;
      const rows = rowsOf(d.name);
      // DISPLAY DICTIONARY: name, position, label, …, print format.
      const vars = t.get('Variables')!;
      const head = vars[0];
      const at = (name: string) => head.indexOf(name);
      expect(vars.slice(1).map((v) => v[0])).toEqual(d.columns.map((x) => x.name));
      const numeric = (col: CsvColumn) =>
        col.type !== 'string' &&
        !(c.datesAs === 'calendar' && (col.type === 'date' || col.type === 'datetime'));
      for (const [j, col] of d.columns.entries()) {
        const v = vars[j + 1];
        const format = v[at('Print Format')];
        expect({
          col: col.name,
          label: v[at('Label')],
          format: format.replace(/\d.*$/, ''),
        }).toEqual({
          col: col.name,
          label: truncateBytes(labelOf(col, c.datesAs), 255),
          format: numeric(col)
            ? 'F'
            : { string: 'A', date: 'SDATE', datetime: 'YMDHMS' }[col.type as 'string'],
        });
      }
      // Value labels: every code and boolean column with its list, in column order.
      const expected = d.columns.flatMap((col) => {
        const list =
          col.type === 'boolean'
            ? [
                [0, 'No'],
                [1, 'Yes'],
              ]
            : col.type === 'code'
              ? col.variable.codes!.map((x) => [x.code, truncateBytes(x.label, 120)])
              : [];
        return list.map(([code, label], k) => [
          k === 0 ? truncateBytes(labelOf(col, c.datesAs), 255) : '',
          Number(code),
          label,
        ]);
      });
      const valueLabels = (t.get('Value Labels') ?? [['header']])
        .slice(1)
        .map(([v, code, label]) => [v, Number(code), label]);
      expect(valueLabels).toEqual(expected);
      // LIST: every value.
      const list = (t.get('Data List') ?? [d.columns.map((x) => x.name)]).slice(1);
      expect(list).toHaveLength(rows.length);
      for (const [j, col] of d.columns.entries()) {
        const want = rows.map((row) => psppValue(col, input(row, col)));
        const have = list.map((cells, k) => {
          const cell = cells[j].trim();
          return typeof want[k] === 'number' && cell !== '.' ? Number(cell) : cell;
        });
        // Decimals are shown with the most digits the column has in the file: equal to the input.
        expect({ col: col.name, values: have }).toEqual({ col: col.name, values: want });
      }
    }
  });
});

describe('the CSV writer streams (issue 17)', () => {
  it('has written rows to disk before close, long before the trial is through', async () => {
    const c = CASES[0];
    const dir = mkdtempSync(join(tmpdir(), 'ram-csv-'));
    dirs.push(dir);
    const writer = await csvFormat.open(exportContext(c.dictionary, dir));
    const many = syntheticParticipants(c.dictionary, { count: 400, datesAs: 'calendar', seed: 5 });
    for (const p of many.slice(0, 300)) {
      await writer.participant(p);
    }
    const midway = statSync(join(dir, 'participants.csv')).size;
    expect(midway).toBeGreaterThan(64 * 1024);
    for (const p of many.slice(300)) {
      await writer.participant(p);
    }
    const files = await writer.close();
    expect(statSync(join(dir, 'participants.csv')).size).toBeGreaterThan(midway);
    expect(files[0]).toEqual({ name: 'participants.csv', rows: 400 });
  });

  it('[REQ-BLIND-003] writes only the dictionary columns: a blinded export leaves out what rows carry beyond it', async () => {
    const c = CASES[2];
    const participants = syntheticParticipants(c.dictionary, { count: 5, datesAs: 'calendar' });
    const hidden = full.variables.filter((v) => v.revealsArm);
    expect(hidden.length).toBeGreaterThan(0);
    const withExtras = participants.map((p) => ({
      ...p,
      rows: Object.fromEntries(
        Object.entries(p.rows).map(([name, rows]) => [
          name,
          rows.map((r) => ({
            ...r,
            ...Object.fromEntries(hidden.map((v) => [v.name, 'ARM-REVEALING'])),
          })),
        ]),
      ),
    }));
    const plain = await exportTo(c, participants);
    const extra = await exportTo(c, withExtras);
    for (const f of plain.files) {
      const text = readFileSync(join(extra.dir, f.name), 'utf8');
      expect(text).toBe(readFileSync(join(plain.dir, f.name), 'utf8'));
      expect(text).not.toContain('ARM-REVEALING');
      for (const v of hidden) {
        expect(text).not.toMatch(new RegExp(`\\b${v.name}\\b`));
      }
    }
  });

  it('fails the export on a value of the wrong type: participant() and then close() reject', async () => {
    const c = CASES[0];
    const dir = mkdtempSync(join(tmpdir(), 'ram-csv-'));
    dirs.push(dir);
    const writer = await csvFormat.open(exportContext(c.dictionary, dir));
    const [p] = syntheticParticipants(c.dictionary, { count: 1, datesAs: 'calendar' });
    const bad = {
      ...p,
      rows: { ...p.rows, participants: [{ ...p.rows.participants[0], registered_at: 42 }] },
    };
    await expect(writer.participant(bad)).rejects.toThrow(/registered_at/);
    await expect(writer.participant(p)).rejects.toThrow(/registered_at/);
    await expect(writer.close()).rejects.toThrow(/registered_at/);
    expect(readdirSync(dir).filter((f) => f.startsWith('read_data'))).toEqual([]);
  });
});
