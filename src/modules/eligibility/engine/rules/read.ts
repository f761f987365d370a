import { parseIsoDate } from 'src/modules/eligibility/engine/dates';
import {
  isDiseaseCourse,
  isDrugCode,
  isTestResult,
  type DiseaseCourse,
  type DrugCode,
  type IsoDate,
  type TestResult,
} from 'src/modules/eligibility/engine/screening-data';

/**
 * Defensive readers: screening data may be partial or malformed (it can come straight from JSON),
 * so every value is checked before use. Anything of the wrong type or out of range reads as
 * "missing" (null), which the rules turn into `unknown`. Nothing here throws.
 */

/** An own property of a plain object, or undefined. */
export function field(source: unknown, key: string): unknown {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    return undefined;
  }
  return Object.prototype.hasOwnProperty.call(source, key)
    ? (source as Record<string, unknown>)[key]
    : undefined;
}

export function readBool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

/** A lesion count: a whole number >= 0. */
export function readCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

/** An EDSS score: 0..10 in steps of 0.5. */
export function readEdssScore(value: unknown): number | null {
  return typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= 10 &&
    Number.isInteger(value * 2)
    ? value
    : null;
}

export function readDrug(value: unknown): DrugCode | null {
  return isDrugCode(value) ? value : null;
}

export function readCourse(value: unknown): DiseaseCourse | null {
  return isDiseaseCourse(value) ? value : null;
}

export function readTestResult(value: unknown): TestResult | null {
  return isTestResult(value) ? value : null;
}

export function readString(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function readList(value: unknown): readonly unknown[] | null {
  return Array.isArray(value) ? value : null;
}

/** How a treatment with no end date entered (field absent or malformed) is read. */
export type MissingTreatmentEnd = 'unknown' | 'ongoing';

export interface TreatmentView {
  /** 1-based position in the list, for explanations. */
  position: number;
  drug: DrugCode | null;
  start: IsoDate | null;
  /** `'ongoing'` = still on it; null = end not known. */
  end: IsoDate | 'ongoing' | null;
}

export function readTreatments(
  data: unknown,
  missingEnd: MissingTreatmentEnd,
): readonly TreatmentView[] | null {
  const list = readList(field(data, 'treatments'));
  if (list === null) {
    return null;
  }
  return list.map((item, index) => {
    const rawEnd = field(item, 'endDate');
    const end: IsoDate | 'ongoing' | null =
      rawEnd === null
        ? 'ongoing'
        : rawEnd === undefined
          ? missingEnd === 'ongoing'
            ? 'ongoing'
            : null
          : parseIsoDate(rawEnd);
    return {
      position: index + 1,
      drug: readDrug(field(item, 'drug')),
      start: parseIsoDate(field(item, 'startDate')),
      end,
    };
  });
}

/** Is the treatment running on `date`? started on/before it and not ended before it. */
export function isOnTreatmentAt(t: TreatmentView, date: IsoDate): boolean | null {
  if (t.start === null) {
    return null;
  }
  if (t.start > date) {
    return false;
  }
  if (t.end === 'ongoing') {
    return true;
  }
  if (t.end === null) {
    return null;
  }
  return date <= t.end;
}

export interface RelapseView {
  position: number;
  onset: IsoDate | null;
  steroidTreated: boolean | null;
  clinicallyRelevant: boolean | null;
}

export function readRelapses(data: unknown): readonly RelapseView[] | null {
  const list = readList(field(data, 'relapses'));
  if (list === null) {
    return null;
  }
  return list.map((item, index) => ({
    position: index + 1,
    onset: parseIsoDate(field(item, 'onsetDate')),
    steroidTreated: readBool(field(item, 'steroidTreated')),
    clinicallyRelevant: readBool(field(item, 'clinicallyRelevant')),
  }));
}

export function describeRelapse(r: RelapseView): string {
  return r.onset === null
    ? `relapse #${r.position} (onset date not recorded)`
    : `relapse ${r.onset}`;
}

export interface MriView {
  position: number;
  id: string | null;
  date: IsoDate | null;
  gd: number | null;
  t2: number | null;
  comparedWithExamId: string | null;
  comparedWithDate: IsoDate | null;
}

export function readMriExams(data: unknown): readonly MriView[] | null {
  const list = readList(field(data, 'mriExams'));
  if (list === null) {
    return null;
  }
  return list.map((item, index) => ({
    position: index + 1,
    id: readString(field(item, 'id')),
    date: parseIsoDate(field(item, 'date')),
    gd: readCount(field(item, 'gdEnhancingT1')),
    t2: readCount(field(item, 'newOrEnlargingT2')),
    comparedWithExamId: readString(field(item, 'comparedWithExamId')),
    comparedWithDate: parseIsoDate(field(item, 'comparedWithDate')),
  }));
}

export function describeMri(m: MriView): string {
  return m.date === null ? `MRI #${m.position} (date not recorded)` : `MRI ${m.date}`;
}

/**
 * The date of the exam an MRI's T2 count was compared with: the listed exam named by
 * `comparedWithExamId` if it is found with a valid date, else `comparedWithDate`, else null.
 */
export function referenceDateOf(exam: MriView, all: readonly MriView[]): IsoDate | null {
  if (exam.comparedWithExamId !== null) {
    const ref = all.find((m) => m.id === exam.comparedWithExamId && m !== exam);
    if (ref !== undefined && ref.date !== null) {
      return ref.date;
    }
  }
  return exam.comparedWithDate;
}
