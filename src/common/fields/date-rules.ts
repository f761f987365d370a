import { validationFailed } from 'src/common/errors/domain-error';
import { compareDates, type IsoDate } from 'src/common/time/calendar-date';
import { fieldItem, itemsOf, type FormId } from './registry';

/**
 * Plausible dates, one rule set (issue 15): each entered date is checked by the rule its registry
 * item declares (src/common/fields/items.ts `dateRule`, `onOrAfterRandomisation`), the same rule
 * wherever the date is written. Services name the dates of a request and the facts the rules
 * need; the answer is one 400 naming every field and the rule it breaks.
 */

/** One entered date: the registry item it records and where it is in the request. */
export type EnteredDate = { item: string; path: string; value: IsoDate | null | undefined };

/**
 * Two entered dates that must be in this order (the earlier may equal the later); the problem is
 * reported at `at` (default the later one).
 */
export type DateOrder = { earlier: EnteredDate; later: EnteredDate; at?: 'earlier' | 'later' };

export type DateFacts = {
  /** Today on the site's (or centre's) calendar. */
  today: IsoDate;
  /** The participant's randomisation date on the site's calendar, when randomised. */
  randomisedOn?: IsoDate | null;
  /**
   * Whether the participant was born on or before a date (the identity module answers yes or no
   * without giving the date, src/modules/identity/identity.api.ts). Absent: not checked.
   */
  bornBy?: (date: IsoDate) => Promise<boolean>;
};

export type DateProblem = {
  path: string;
  code: 'DATE_IN_FUTURE' | 'DATE_BEFORE_RANDOMISATION' | 'DATE_BEFORE_BIRTH' | 'DATE_ORDER';
  message: string;
  params: Record<string, unknown>;
};

/** The problems of a request's dates, in the order given; none when all rules hold. */
export async function dateProblems(
  dates: readonly EnteredDate[],
  facts: DateFacts,
  orders: readonly DateOrder[] = [],
): Promise<DateProblem[]> {
  const problems: DateProblem[] = [];
  const born = new Map<IsoDate, boolean>();
  for (const d of dates) {
    if (!d.value) {
      continue;
    }
    const item = fieldItem(d.item);
    if (item.dateRule === 'past' && compareDates(d.value, facts.today) > 0) {
      problems.push({
        path: d.path,
        code: 'DATE_IN_FUTURE',
        message: `must not be after today (${facts.today} on the site's calendar)`,
        params: { today: facts.today },
      });
      continue;
    }
    if (
      item.onOrAfterRandomisation &&
      facts.randomisedOn &&
      compareDates(d.value, facts.randomisedOn) < 0
    ) {
      problems.push({
        path: d.path,
        code: 'DATE_BEFORE_RANDOMISATION',
        message: `must not be before randomisation (${facts.randomisedOn})`,
        params: { randomisedOn: facts.randomisedOn },
      });
      continue;
    }
    if (item.dateRule === 'past' && facts.bornBy) {
      if (!born.has(d.value)) {
        born.set(d.value, await facts.bornBy(d.value));
      }
      if (!born.get(d.value)) {
        problems.push({
          path: d.path,
          code: 'DATE_BEFORE_BIRTH',
          message: "must not be before the participant's birth",
          params: {},
        });
      }
    }
  }
  for (const { earlier, later, at = 'later' } of orders) {
    if (earlier.value && later.value && compareDates(earlier.value, later.value) > 0) {
      problems.push(
        at === 'later'
          ? {
              path: later.path,
              code: 'DATE_ORDER',
              message: `must not be before ${earlier.path} (${earlier.value})`,
              params: { notBefore: earlier.path, date: earlier.value },
            }
          : {
              path: earlier.path,
              code: 'DATE_ORDER',
              message: `must not be after ${later.path} (${later.value})`,
              params: { notAfter: later.path, date: later.value },
            },
      );
    }
  }
  return problems;
}

/** Throws one 400 VALIDATION_FAILED naming every date that breaks its rule. */
export async function assertPlausibleDates(
  dates: readonly EnteredDate[],
  facts: DateFacts,
  orders: readonly DateOrder[] = [],
): Promise<void> {
  const problems = await dateProblems(dates, facts, orders);
  if (problems.length > 0) {
    throw validationFailed(problems);
  }
}

/**
 * The entered dates of a record of one form, found by the registry's paths (`relapses[].onsetDate`
 * becomes `relapses[0].onsetDate`, …): every `date` item that is entered (not derived).
 */
export function enteredDates(form: FormId, record: unknown): EnteredDate[] {
  const out: EnteredDate[] = [];
  const walk = (value: unknown, segments: string[], path: string, item: string) => {
    if (segments.length === 0) {
      if (typeof value === 'string') {
        out.push({ item, path, value });
      }
      return;
    }
    if (typeof value !== 'object' || value === null) {
      return;
    }
    const [head, ...rest] = segments;
    const list = head.endsWith('[]');
    const key = list ? head.slice(0, -2) : head;
    const next = (value as Record<string, unknown>)[key];
    const at = path ? `${path}.${key}` : key;
    if (list) {
      if (Array.isArray(next)) {
        next.forEach((el, i) => walk(el, rest, `${at}[${i}]`, item));
      }
      return;
    }
    walk(next, rest, at, item);
  };
  for (const item of itemsOf(form)) {
    if (item.type === 'date' && item.dateRule !== 'derived') {
      walk(record, item.path.split('.'), '', item.id);
    }
  }
  return out;
}
