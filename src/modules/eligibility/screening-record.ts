import type { GroupSpec } from 'src/common/corrections/corrections';
import { canonicalJson, type ScreeningData } from './engine';

/**
 * The screening data as stored per episode: the engine's ScreeningData without the birth date
 * (identity vault) and without consent (recorded by its own step, after sign-off).
 */
export type ScreeningRecord = Omit<ScreeningData, 'birthDate' | 'consent'>;

export const SCREENING_SECTIONS = [
  'diagnosis',
  'edss',
  'relapses',
  'mriExams',
  'treatments',
  'infections',
  'activeInfections',
  'comorbidity',
  'pregnantOrBreastfeeding',
  'childbearingPotential',
  'agreesToContraception',
  'referredFromNeurology',
  'willingToBeRandomised',
  'willingToLearnInfectionResults',
] as const;
export type ScreeningSection = (typeof SCREENING_SECTIONS)[number];

/** The repeating groups of the screening record: items named by a server-assigned `itemId`. */
export const SCREENING_GROUPS: GroupSpec[] = [
  { path: 'relapses', key: 'itemId', generated: true },
  { path: 'mriExams', key: 'itemId', generated: true },
  { path: 'treatments', key: 'itemId', generated: true },
];
export const SCREENING_LISTS = ['relapses', 'mriExams', 'treatments'] as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
/** A value someone entered: null and absent both mean "nothing recorded yet". */
const recorded = (v: unknown) => v !== undefined && v !== null;

/** A plain JSON copy without undefined fields (DTO instances carry undefined own properties). */
export function plainRecord(value: object): ScreeningRecord {
  const out: Record<string, unknown> = {};
  for (const key of SCREENING_SECTIONS) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) {
      out[key] = JSON.parse(JSON.stringify(v)) as unknown;
    }
  }
  return out as ScreeningRecord;
}

/** Recorded values under `before` that `after` changes or removes, as paths like `edss.score`, `relapses[0].onsetDate`. */
export function correctedPaths(before: unknown, after: unknown, path: string): string[] {
  if (!recorded(before)) {
    return [];
  }
  if (Array.isArray(before)) {
    const list = Array.isArray(after) ? after : [];
    return before.flatMap((item: unknown, i) => correctedPaths(item, list[i], `${path}[${i}]`));
  }
  if (isRecord(before)) {
    const target = isRecord(after) ? after : {};
    return Object.keys(before).flatMap((k) =>
      correctedPaths(before[k], target[k], path ? `${path}.${k}` : k),
    );
  }
  return same(before, after) ? [] : [path];
}

export type ScreeningProblem = { path: string; problem: string };

const DATE_KEYS = new Set([
  'symptomOnsetDate',
  'diagnosisDate',
  'date',
  'onsetDate',
  'comparedWithDate',
  'startDate',
  'endDate',
]);

function datesIn(value: unknown, path: string, out: { path: string; date: string }[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => datesIn(v, `${path}[${i}]`, out));
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (DATE_KEYS.has(k) && typeof v === 'string') {
        out.push({ path: p, date: v });
      } else {
        datesIn(v, p, out);
      }
    }
  }
}

/**
 * Checks across fields that field validation cannot make: no clinical date after `today` (the
 * site's calendar date), a treatment does not end before it starts, MRI ids are unique and a
 * named reference exam exists.
 */
export function screeningProblems(record: ScreeningRecord, today: string): ScreeningProblem[] {
  const problems: ScreeningProblem[] = [];
  const dates: { path: string; date: string }[] = [];
  datesIn(record, '', dates);
  for (const d of dates) {
    if (d.date > today) {
      problems.push({ path: d.path, problem: `is after today (${today})` });
    }
  }
  (record.treatments ?? []).forEach((t, i) => {
    if (t.startDate && t.endDate && t.endDate < t.startDate) {
      problems.push({ path: `treatments[${i}].endDate`, problem: 'is before the start date' });
    }
  });
  const exams = record.mriExams ?? [];
  const ids = exams.map((m) => m.id).filter((id): id is string => typeof id === 'string');
  exams.forEach((m, i) => {
    if (typeof m.id === 'string' && ids.indexOf(m.id) !== ids.lastIndexOf(m.id)) {
      problems.push({
        path: `mriExams[${i}].id`,
        problem: `"${m.id}" is used by more than one exam`,
      });
    }
    if (typeof m.comparedWithExamId === 'string') {
      if (!ids.includes(m.comparedWithExamId)) {
        problems.push({
          path: `mriExams[${i}].comparedWithExamId`,
          problem: `names no exam in the list ("${m.comparedWithExamId}")`,
        });
      } else if (m.comparedWithExamId === m.id) {
        problems.push({
          path: `mriExams[${i}].comparedWithExamId`,
          problem: 'names the exam itself',
        });
      }
    }
  });
  return problems;
}
