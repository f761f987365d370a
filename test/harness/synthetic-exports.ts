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
 * A synthetic trial for the format writers' tests, generated from the dictionary so that every
 * dataset and every variable type is covered: text with XML special characters, non-ASCII and
 * characters XML 1.0 forbids, missing values, several participants at two sites under two
 * protocol versions, audit entries (value changes and record-level actions) and signatures.
 * Deterministic: the same dictionary gives the same participants.
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

function valueFor(v: DictionaryVariable, p: number, r: number, k: number): ExportValue {
  if ((k + p + r) % 5 === 3) {
    return null;
  }
  switch (v.type) {
    case 'string':
      return (k + r) % 2 === 0 ? `${NASTY_TEXT} ${p}.${r}` : `plain ${v.name} ${p}`;
    case 'integer':
      return Math.max(v.min ?? 0, Math.min(v.max ?? 1000, p * 10 + r + k));
    case 'decimal':
      return Math.round((p + r / 4 + k / 8) * 1000) / 1000 + 0.5;
    case 'date':
      return `2026-0${1 + ((p + r) % 9)}-${String(10 + ((k + r) % 18)).padStart(2, '0')}`;
    case 'datetime':
      return `2026-0${1 + ((p + k) % 9)}-1${r % 9}T0${r % 10}:1${k % 10}:05.000Z`;
    case 'boolean':
      return (p + r + k) % 2 === 0;
    case 'code': {
      const codes = v.codes ?? [];
      return codes.length > 0 ? codes[(p + r + k) % codes.length].code : null;
    }
  }
}

function rowFor(
  d: Dictionary['datasets'][number],
  vars: Map<string, DictionaryVariable>,
  studyId: string,
  p: number,
  r: number,
): ExportRow {
  const row: ExportRow = {};
  d.variables.forEach((name, k) => {
    const v = vars.get(name) as DictionaryVariable;
    if (name === 'study_id') {
      row[name] = studyId;
    } else if (name === 'visit_code') {
      row[name] = ['BL', 'M03', 'M06'][Math.floor(r / 2) % 3];
    } else if (d.keys.includes(name)) {
      row[name] = v.type === 'string' ? `K${r + 1}` : r + 1;
    } else if (v.multiple && v.codes) {
      for (const c of v.codes) {
        row[`${name}_${c.code}`] = (c.code + r + p) % 2;
      }
    } else {
      row[name] = valueFor(v, p, r, k);
    }
  });
  return row;
}

export function syntheticParticipants(dictionary: Dictionary, count = 3): ParticipantExport[] {
  const vars = new Map(dictionary.variables.map((v) => [v.name, v]));
  return Array.from({ length: count }, (_, p): ParticipantExport => {
    const studyId = `RAMMS-${String(p + 1).padStart(3, '0')}`;
    const rows: Record<string, ExportRow[]> = {};
    for (const d of dictionary.datasets) {
      const n = d.keys.length === 1 ? 1 : (p % 2) + 2;
      // Visit-keyed datasets: rows r and r+1 share a visit code when the dataset repeats within a
      // visit (row_seq keys), else one row per visit.
      rows[d.name] = Array.from({ length: n }, (_, r) =>
        rowFor(
          d,
          vars,
          studyId,
          p,
          d.keys.includes('visit_code') && d.keys.length === 2 ? r * 2 : r,
        ),
      );
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

/** Runs a format over the participants into a fresh temporary folder; returns the folder. */
export async function runFormat(
  format: ExportFormat,
  dictionary: Dictionary,
  participants: readonly ParticipantExport[],
  options: Partial<ExportOptions> = {},
): Promise<{ dir: string; files: { name: string; rows: number }[] }> {
  const dir = await mkdtemp(join(tmpdir(), `export-${format.id}-`));
  const ctx: ExportContext = {
    dictionary,
    options: { blinded: dictionary.blinded, datesAs: 'calendar', archival: false, ...options },
    snapshotAt: SNAPSHOT_AT,
    exportId: 'ram-ms.example.org/exports/test-1',
    dir,
    admin: SYNTHETIC_ADMIN,
  };
  const writer = await format.open(ctx);
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
