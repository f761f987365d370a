import type {
  Dictionary,
  DictionaryVariable,
} from 'src/modules/exports/dictionary/dictionary.types';
import type {
  ExportContext,
  ExportOptions,
  ExportRow,
  ExportValue,
  ParticipantExport,
} from 'src/modules/exports/formats/format.types';

/**
 * Synthetic participants for the export formats' tests, generated from a dictionary: every
 * dataset gets rows (the wide one exactly one per participant, the long ones 0–3), every variable
 * a value of its type or null, strings with quotes, commas, line breaks and non-ASCII text,
 * multiple-choice variables expanded to their 0/1 columns. Deterministic (a seeded generator).
 */

const NASTY = [
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

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function value(v: DictionaryVariable, g: Gen, datesAs: ExportOptions['datesAs']): ExportValue {
  switch (v.type) {
    case 'string': {
      const s = g.pick(NASTY);
      return v.maxLength !== null ? s.slice(0, v.maxLength) : s;
    }
    case 'integer':
      return g.int(v.min ?? -5, v.max ?? 400);
    case 'decimal':
      return g.pick([0.5, 1e-7, -2.25, 3, 12345.678, 6.5, 1e21]);
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

function row(
  d: Dictionary['datasets'][number],
  byName: Map<string, DictionaryVariable>,
  g: Gen,
  datesAs: ExportOptions['datesAs'],
  keys: ExportRow,
): ExportRow {
  const out: ExportRow = { ...keys };
  for (const name of d.variables) {
    const v = byName.get(name)!;
    if (name in keys) {
      continue;
    }
    if (v.multiple && v.codes) {
      const missing = g.chance(0.15);
      for (const c of v.codes) {
        out[`${v.name}_${c.code}`] = missing ? null : g.int(0, 1);
      }
    } else {
      out[name] = g.chance(0.15) ? null : value(v, g, datesAs);
    }
  }
  return out;
}

export function syntheticParticipants(
  dictionary: Dictionary,
  opts: { count: number; datesAs: ExportOptions['datesAs']; seed?: number },
): ParticipantExport[] {
  const g = generator(opts.seed ?? 17);
  const byName = new Map(dictionary.variables.map((v) => [v.name, v]));
  return Array.from({ length: opts.count }, (_, i): ParticipantExport => {
    const studyId = `RAM-${pad(i + 1, 4)}`;
    const rows: Record<string, ExportRow[]> = {};
    for (const d of dictionary.datasets) {
      const n = d.name === 'participants' ? 1 : g.int(0, 3);
      rows[d.name] = Array.from({ length: n }, (_, j) => {
        const keys: ExportRow = {};
        for (const k of d.keys) {
          keys[k] =
            k === 'study_id'
              ? studyId
              : byName.get(k)!.type === 'string'
                ? `V${pad(j + 1)}`
                : j + 1;
        }
        return row(d, byName, g, opts.datesAs, keys);
      });
    }
    return { studyId, siteCode: 'S01', protocolVersion: '1', rows, audit: [], signatures: [] };
  });
}

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

export function exportContext(
  dictionary: Dictionary,
  dir: string,
  options: Partial<ExportOptions> = {},
): ExportContext {
  return {
    dictionary,
    options: { blinded: dictionary.blinded, datesAs: 'calendar', archival: false, ...options },
    snapshotAt: '2026-12-01T00:00:00.000Z',
    exportId: 'exp-test',
    dir,
    admin: { users: [], sites: [{ code: 'S01', name: 'Site 1' }], protocolVersions: [] },
  };
}
