import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Dictionary,
  DictionaryVariable,
} from 'src/modules/exports/dictionary/dictionary.types';
import type {
  ExportAdmin,
  ExportContext,
  ExportFormat,
  ExportOptions,
  ExportRow,
  ExportValue,
  ParticipantExport,
} from 'src/modules/exports/formats/format.types';

/**
 * A synthetic trial for the format writers' tests (CSV, ODM, Dataset-JSON), generated from the
 * dictionary so that every dataset and every variable type is covered: a value of its type or
 * null, strings with XML specials, characters XML 1.0 forbids, quotes, commas, line breaks and
 * non-ASCII text, multiple-choice variables expanded to their 0/1 columns, dates as calendar
 * dates or days since randomisation; one row per participant in a participant-keyed dataset,
 * 0–3 in the others; participants at two sites under two protocol versions, with audit entries
 * (value changes and record-level actions) and signatures. Deterministic (a seeded generator).
 */
export const NASTY_TEXT = 'Zoë <b>&amp;</b> "quoted" \'apos\' → 日本語 ✓\u0001\u000b end';

export const SYNTHETIC_ADMIN: ExportAdmin = {
  users: [
    { id: 'u-inv', name: 'Dr. Ånne <Investigator> & Co', role: 'investigator' },
    { id: 'u-coord', name: 'Coördinator "Bob"', role: 'coordinator' },
  ],
  sites: [
    { code: 'NL01', name: 'Amsterdam UMC' },
    { code: 'SE02', name: 'Uppsala & Göteborg' },
  ],
  protocolVersions: [
    { version: '1.0', label: 'Protocol 1.0 (criteria set 1)' },
    { version: '2.0', label: 'Protocol 2.0 (criteria set 2)' },
  ],
};

type Dataset = Dictionary['datasets'][number];

const VISITS = ['BL', 'M03', 'M06'];

const NASTY_STRINGS = [
  NASTY_TEXT,
  'plain',
  'comma, inside',
  'quote " inside',
  'two\nlines',
  'crlf\r\nline',
  'café ≥ 3 µg, Müller',
  '  leading and trailing  ',
  "it's $x `y' \\ back",
  '日本語',
];

/** A seeded xorshift generator: the same seed gives the same participants. */
function generator(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return {
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
  };
}

type Gen = ReturnType<typeof generator>;
type DatesAs = ExportOptions['datesAs'];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function value(v: DictionaryVariable, g: Gen, datesAs: DatesAs): ExportValue {
  switch (v.type) {
    case 'string': {
      const s = g.pick(NASTY_STRINGS);
      return v.maxLength !== null ? s.slice(0, v.maxLength) : s;
    }
    case 'integer':
      return g.int(v.min ?? -5, v.max ?? 400);
    case 'decimal':
      return g.pick([0.5, 1e-7, -2.25, 3, 12345.678, 6.5, 0.125, 1e21]);
    case 'boolean':
      return g.chance(0.5);
    case 'code':
      return g.pick(v.codes ?? []).code;
    case 'date':
      return datesAs === 'days'
        ? g.int(-400, 2000)
        : `${g.int(1990, 2030)}-${pad(g.int(1, 12))}-${pad(g.int(1, 28))}`;
    case 'datetime':
      return datesAs === 'days'
        ? g.int(-40000, 200000) / 100
        : `${g.int(2020, 2030)}-${pad(g.int(1, 12))}-${pad(g.int(1, 28))}T${pad(g.int(0, 23))}:` +
            `${pad(g.int(0, 59))}:${pad(g.int(0, 59))}.${pad(g.int(0, 999), 3)}Z`;
  }
}

/** The value of a key column in row `r`: visit-keyed rows get the schedule's visit codes. */
function key(d: Dataset, v: DictionaryVariable, studyId: string, r: number): ExportValue {
  if (v.name === 'study_id') {
    return studyId;
  }
  if (v.name === 'visit_code') {
    // Rows r and r+1 share a visit code when the dataset repeats within a visit (more keys),
    // else one row per visit.
    return VISITS[(d.keys.length === 2 ? r : Math.floor(r / 2)) % VISITS.length];
  }
  return v.type === 'string' ? `K${r + 1}` : r + 1;
}

function row(
  d: Dataset,
  vars: Map<string, DictionaryVariable>,
  g: Gen,
  datesAs: DatesAs,
  studyId: string,
  p: number,
  r: number,
): ExportRow {
  const out: ExportRow = {};
  // Every row misses one value (which one moves with participant and row), others at random.
  const values = d.variables.filter((name) => !d.keys.includes(name));
  const gap = values[(p + r) % values.length];
  for (const name of d.variables) {
    const v = vars.get(name) as DictionaryVariable;
    const missing = name === gap || g.chance(0.15);
    if (d.keys.includes(name)) {
      out[name] = key(d, v, studyId, r);
    } else if (v.multiple && v.codes) {
      for (const c of v.codes) {
        out[`${name}_${c.code}`] = missing ? null : g.int(0, 1);
      }
    } else {
      out[name] = missing ? null : value(v, g, datesAs);
    }
  }
  return out;
}

export function syntheticParticipants(
  dictionary: Dictionary,
  opts: { count: number; datesAs?: DatesAs; seed?: number },
): ParticipantExport[] {
  const g = generator(opts.seed ?? 17);
  const datesAs = opts.datesAs ?? 'calendar';
  const vars = new Map(dictionary.variables.map((v) => [v.name, v]));
  return Array.from({ length: opts.count }, (_, p): ParticipantExport => {
    const studyId = `RAMMS-${pad(p + 1, 3)}`;
    const rows: Record<string, ExportRow[]> = {};
    for (const d of dictionary.datasets) {
      // One row per participant in a dataset keyed by participant alone, else 0–3; at least one
      // eligibility assessment (the signatures sign assessment 1).
      const n = d.keys.length === 1 ? 1 : g.int(d.keys.includes('elig_seq') ? 1 : 0, 3);
      rows[d.name] = Array.from({ length: n }, (_, r) => row(d, vars, g, datesAs, studyId, p, r));
    }
    const one = dictionary.datasets.find((d) => d.keys.length === 1);
    const changed = dictionary.variables.filter(
      (v) =>
        one &&
        v.item !== null &&
        !v.multiple &&
        v.datasets.includes(one.name) &&
        (v.type === 'string' || v.type === 'integer') &&
        rows[one.name][0][v.name] !== null,
    );
    const [a, b] = changed;
    const site = p % 2 === 0 ? 'NL01' : 'SE02';
    const audit: ParticipantExport['audit'] = [
      {
        seq: p * 100 + 1,
        at: '2026-01-01T08:00:00.000Z',
        userId: 'u-coord',
        siteCode: site,
        action: 'participant.registered',
        item: null,
        dataset: null,
        before: null,
        after: null,
        reason: null,
      },
    ];
    if (a && b && one) {
      const current = rows[one.name][0];
      audit.push(
        {
          seq: p * 100 + 2,
          at: '2026-01-02T08:00:00.000Z',
          userId: 'u-coord',
          siteCode: site,
          action: 'screening.recorded',
          item: a.item,
          dataset: one.name,
          before: null,
          after: a.type === 'string' ? 'first <value> & "more"' : 1,
          reason: null,
        },
        {
          seq: p * 100 + 3,
          at: '2026-01-03T08:00:00.000Z',
          userId: 'u-inv',
          siteCode: site,
          action: 'screening.corrected',
          item: a.item,
          dataset: one.name,
          before: a.type === 'string' ? 'first <value> & "more"' : 1,
          after: current[a.name],
          reason: 'Transcription error — corrigé <sic> & "fixed"',
        },
        {
          seq: p * 100 + 4,
          at: '2026-01-04T08:00:00.000Z',
          userId: null,
          siteCode: null,
          action: 'screening.recorded',
          item: b.item,
          dataset: one.name,
          before: null,
          after: current[b.name],
          reason: null,
        },
      );
    }
    // A change of an arm-revealing value (a blinded export must leave it out).
    const secret = dictionary.variables.find(
      (v) =>
        one &&
        v.revealsArm &&
        v.item !== null &&
        !v.multiple &&
        v.datasets.includes(one.name) &&
        rows[one.name][0][v.name] !== null,
    );
    if (secret && one) {
      audit.push({
        seq: p * 100 + 5,
        at: '2026-01-04T09:00:00.000Z',
        userId: 'u-inv',
        siteCode: site,
        action: 'allocation.created',
        item: secret.item,
        dataset: one.name,
        before: null,
        after: rows[one.name][0][secret.name],
        reason: null,
      });
    }
    const long = dictionary.variables.find(
      (v) => v.item !== null && !v.datasets.includes('participants'),
    );
    if (long) {
      audit.push({
        seq: p * 100 + 6,
        at: '2026-01-05T08:00:00.000Z',
        userId: 'u-coord',
        siteCode: site,
        action: 'record.corrected',
        item: long.item,
        dataset: long.datasets[0],
        before: null,
        after: null,
        reason: 'Row-level correction',
      });
    }
    return {
      studyId,
      siteCode: site,
      protocolVersion: p % 2 === 0 ? '1.0' : '2.0',
      rows,
      audit,
      signatures: [
        { eligSeq: 1, userId: 'u-inv', at: '2026-01-06T09:00:00.000Z', meaning: 'eligible' },
        ...(p === 0
          ? [{ eligSeq: 1, userId: 'u-inv', at: '2026-01-07T09:00:00.000Z', meaning: 'eligible' }]
          : []),
      ],
    };
  });
}

export const SNAPSHOT_AT = '2026-02-01T12:00:00.000Z';

/** The context a format is opened with: the synthetic trial's admin data, written into `dir`. */
export function exportContext(
  dictionary: Dictionary,
  dir: string,
  options: Partial<ExportOptions> = {},
): ExportContext {
  return {
    dictionary,
    options: { blinded: dictionary.blinded, datesAs: 'calendar', archival: false, ...options },
    snapshotAt: SNAPSHOT_AT,
    exportId: 'ram-ms.example.org/exports/test-1',
    dir,
    admin: SYNTHETIC_ADMIN,
  };
}

/** Runs a format over the participants into a fresh temporary folder; returns the folder. */
export async function runFormat(
  format: ExportFormat,
  dictionary: Dictionary,
  participants: readonly ParticipantExport[],
  options: Partial<ExportOptions> = {},
): Promise<{ dir: string; files: { name: string; rows: number }[] }> {
  const dir = await mkdtemp(join(tmpdir(), `export-${format.id}-`));
  const writer = await format.open(exportContext(dictionary, dir, options));
  for (const p of participants) {
    await writer.participant(p);
  }
  const files = await writer.close();
  return { dir, files };
}

/** Every file of a folder as name -> bytes. */
export async function readFolder(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).sort();
  return new Map(
    await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n))] as const)),
  );
}

export const removeFolder = (dir: string) => rm(dir, { recursive: true, force: true });

/**
 * A dictionary whose labels and code labels hold what generated syntax must escape: quotes of
 * both kinds, backslashes, $ and backticks (Stata macros), & and % (SAS macros), non-ASCII.
 */
export function trickyLabels(dictionary: Dictionary): Dictionary {
  const tricks = [
    `Patient's "EDSS" ≥ 3 — é/ü`,
    `100% & more \\ $HOME \`x' ; */ /* %let`,
    `Naïve: "quoted", 'single'`,
  ];
  return {
    ...dictionary,
    variables: dictionary.variables.map((v, i) =>
      i % 7 === 3
        ? {
            ...v,
            label: `${tricks[i % 3]} (${v.label})`,
            codes:
              v.codes?.map((c, j) => (j === 0 ? { ...c, label: tricks[(i + 1) % 3] } : c)) ?? null,
          }
        : v,
    ),
  };
}
