import {
  hashScreeningInput,
  wholeYearsBetween,
  withOverrides,
  type CriteriaSet,
  type LeapDayBirthday,
  type ScreeningData,
} from './engine';
import type { ScreeningRecord } from './screening-record';

/**
 * The glue between stored screening data and the criteria engine, kept outside the engine
 * (which is another engineer's): how the engine's input is put together, what an assessment's
 * input hash covers, and how the birth date is kept out of everything that is stored or shown.
 */

export type ConsentInput = { version: string; date: string } | null;

/** The engine's input: the stored record, the birth date from the vault, and consent if taken. */
export function engineInput(
  record: ScreeningRecord,
  birthDate: string | null,
  consent: ConsentInput = null,
): ScreeningData {
  return {
    ...record,
    ...(birthDate ? { birthDate } : {}),
    ...(consent ? { consent: { signed: true, version: consent.version, date: consent.date } } : {}),
  };
}

/** Age in whole years on `date` (null without a birth date or before birth). */
export function ageOn(
  birthDate: string | null,
  date: string,
  leapDayBirthday: LeapDayBirthday = 'feb28',
): number | null {
  if (!birthDate || birthDate > date) {
    return null;
  }
  return wholeYearsBetween(birthDate, date, leapDayBirthday);
}

/**
 * The hash stored with an assessment: SHA-256 of the canonical screening record it judged plus
 * the age it derived (not the birth date, so the hash cannot be brute-forced back to a birth
 * date). Consent is not part of it: consent is recorded after sign-off. Any later change to what
 * was judged (a screening field, or a birth-date correction that changes the age) changes it.
 */
export function judgedInputHash(record: ScreeningRecord, ageAtAssessment: number | null): string {
  const judged: ScreeningData & { derived: { ageAtAssessment: number | null } } = {
    ...withoutItemIds(record),
    derived: { ageAtAssessment },
  };
  return hashScreeningInput(judged);
}

/** The record without the list items' `itemId`s: identities for corrections, not judged data. */
export function withoutItemIds(record: ScreeningRecord): ScreeningRecord {
  const out: Record<string, unknown> = { ...record };
  for (const list of ['relapses', 'mriExams', 'treatments']) {
    const items = out[list];
    if (Array.isArray(items)) {
      out[list] = items.map((item: unknown) => {
        if (typeof item !== 'object' || item === null) {
          return item;
        }
        const { itemId: _itemId, ...rest } = item as Record<string, unknown>;
        return rest;
      });
    }
  }
  return out as ScreeningRecord;
}

/**
 * The set as judged at sign-off: criteria the workflow records later (I7, consent) are switched
 * off, because consent is only taken after a signed eligible assessment.
 */
export function forSignOff(set: CriteriaSet, deferred: readonly string[]): CriteriaSet {
  const ids = set.criteria.map((c) => c.id as string).filter((id) => deferred.includes(id));
  if (ids.length === 0) {
    return set;
  }
  const enabled: Record<string, boolean> = Object.fromEntries(ids.map((id) => [id, false]));
  return withOverrides<CriteriaSet>(set, { enabled });
}
