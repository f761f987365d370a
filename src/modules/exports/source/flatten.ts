import { FIELD_ITEMS, type FieldItem, type FormId } from 'src/common/fields/registry';
import type { Dictionary, DictionaryVariable } from '../dictionary/dictionary.types';
import type {
  ExportAuditEntry,
  ExportOptions,
  ExportRow,
  ExportSignature,
  ExportValue,
  ParticipantExport,
} from '../formats/format.types';

/**
 * Flattens one participant's records (in the API's shapes, as the owning modules' readers give
 * them) into the dictionary's datasets: pure, no I/O. Each registry item is read at its `path` in
 * the record of its `form`; a `[]` path is a list whose elements are the rows of its own dataset.
 */

type Json = Record<string, unknown>;

/** What the readers gave for one participant (every record in its API shape). */
export type ParticipantRecords = {
  studyId: string;
  siteCode: string;
  countryCode: string;
  siteTimeZone: string;
  /** The participant record (form `pathway`). */
  participant: object;
  /** The current screening record (form `screening`), or null. */
  screening: object | null;
  /** Consents, oldest first (form `consent`: version, date). */
  consents: object[];
  /** Eligibility assessments, oldest first (form `eligibility`, with `signature`). */
  assessments: object[];
  /** The allocation with arm-B drug and intervention (forms allocation, arm_b_drug, intervention). */
  allocation: object | null;
  /** Visits in schedule order (forms visit, assessment; visit_log under `siteData`). */
  visits: object[];
  /** Adverse events in recorded order, with their causality assessments (form adverse_event). */
  adverseEvents: object[];
  /** The current transplant booking with its plan and phases (forms transplant, transplant_phase), or null. */
  transplant: object | null;
  /** The follow-up outcome (form outcome: outcome, reason), or null. */
  outcome: object | null;
  /** NEDA-3 per endpoint week, in week order (form endpoint: week, neda, lostBy, details). */
  endpoints: object[];
  /** Audit rows about the participant's records, oldest first (archival exports only). */
  audit: {
    seq: number;
    at: string;
    actorId: string | null;
    action: string;
    entity: string;
    before: unknown;
    after: unknown;
    reason: string | null;
  }[];
};

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at a dotted path (`a.b.c`), or undefined. */
function at(record: unknown, path: string): unknown {
  let cur: unknown = record;
  for (const key of path.split('.')) {
    if (!isObject(cur)) {
      return undefined;
    }
    cur = cur[key];
  }
  return cur;
}

/** One row to be: its key values, the record of each form, and the list element it stands for. */
type Entry = {
  keys: Record<string, ExportValue>;
  forms: Partial<Record<FormId, unknown>>;
  element?: unknown;
};

/** The elements of the list at `listPath` of each parent entry's record of `form`, as entries. */
function listEntries(parents: Entry[], form: FormId, listPath: string): Entry[] {
  return parents.flatMap((parent) => {
    const list = at(parent.forms[form], listPath);
    return Array.isArray(list)
      ? list.map((element, i) => ({
          keys: { ...parent.keys, row_seq: i + 1 },
          forms: parent.forms,
          element,
        }))
      : [];
  });
}

/**
 * The plan's phases in plan order (form transplant_phase): the API's phase (`code`, planned and
 * recorded dates, outcome) under the registry's names.
 */
function phaseEntries(p: ParticipantRecords): Entry[] {
  const phases = at(p.transplant, 'plan.phases');
  return Array.isArray(phases)
    ? phases.map((ph) => ({
        keys: { study_id: p.studyId },
        forms: { transplant_phase: isObject(ph) ? { ...ph, phase: ph.code } : ph },
      }))
    : [];
}

/** The forms recorded once per participant, by the record each lives in. */
function onceForms(p: ParticipantRecords): Partial<Record<FormId, unknown>> {
  return {
    screening: p.screening,
    pathway: p.participant,
    allocation: p.allocation,
    arm_b_drug: p.allocation,
    intervention: p.allocation,
    transplant: p.transplant,
    outcome: p.outcome,
  };
}

/** The entries of every dataset (a dataset with no source yet has none). */
function entriesOf(p: ParticipantRecords): Record<string, Entry[]> {
  const studyId = { study_id: p.studyId };
  const participant: Entry[] = [{ keys: studyId, forms: onceForms(p) }];
  const adverseEvents: Entry[] = p.adverseEvents.map((ae, i) => ({
    keys: { ...studyId, ae_seq: i + 1 },
    forms: { adverse_event: ae },
  }));
  const visits: Entry[] = p.visits.map((v) => ({
    keys: { ...studyId, visit_code: String(at(v, 'code')) },
    forms: { visit: v, assessment: v, visit_log: at(v, 'siteData') ?? null },
  }));
  return {
    participants: participant,
    scr_relapses: listEntries(participant, 'screening', 'relapses'),
    scr_mri: listEntries(participant, 'screening', 'mriExams'),
    scr_treatments: listEntries(participant, 'screening', 'treatments'),
    consents: p.consents.map((c, i) => ({
      keys: { ...studyId, consent_seq: i + 1 },
      forms: { consent: c },
    })),
    eligibility: p.assessments.map((a, i) => ({
      keys: { ...studyId, elig_seq: i + 1 },
      forms: { eligibility: a },
    })),
    tx_phases: phaseEntries(p),
    visits,
    visit_relapses: listEntries(visits, 'visit_log', 'relapseAssessment.relapses'),
    visit_samples: listEntries(visits, 'visit_log', 'samples'),
    visit_questionnaires: listEntries(visits, 'visit_log', 'questionnaires'),
    adverse_events: adverseEvents,
    ae_assessments: listEntries(adverseEvents, 'adverse_event', 'assessments'),
    endpoints: p.endpoints.map((e) => ({
      keys: { ...studyId, neda_week: at(e, 'week') as number },
      forms: { endpoint: e },
    })),
  };
}

const ITEMS = new Map<string, FieldItem>(FIELD_ITEMS.map((i) => [i.id, i]));

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** The calendar date of an instant in a time zone ('YYYY-MM-DD'). */
export function calendarDate(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));
}

const countOf = (list: unknown): number | null => (Array.isArray(list) ? list.length : null);

/** The dictionary-only variables that have a source today (the others stay null). */
function extraValue(name: string, entry: Entry, p: ParticipantRecords, randDate: string | null) {
  const signature = at(entry.forms.eligibility, 'signature');
  switch (name) {
    case 'site_code':
      return p.siteCode;
    case 'country':
      return p.countryCode;
    case 'rand_date':
      return randDate;
    case 'elig_criteria_version':
      return at(entry.forms.eligibility, 'criteriaSetVersion') ?? null;
    case 'elig_sig_status':
      return isObject(signature) ? signature.status : 'unsigned';
    case 'elig_sig_meaning':
      return isObject(signature) ? signature.meaning : null;
    case 'elig_sig_voided_at':
      return isObject(signature) ? signature.voidedAt : null;
    case 'neda_cutoff':
      return at(entry.forms.endpoint, 'details.cutoffDate') ?? null;
    case 'neda_missing':
      return at(entry.forms.endpoint, 'details.missing') ?? null;
    case 'relapse_n':
      return countOf(at(entry.forms.endpoint, 'details.relapseOnsets'));
    case 'edss_baseline':
      return at(entry.forms.endpoint, 'details.edss.baseline.score') ?? null;
    case 'edss_cdp': {
      const edss = at(entry.forms.endpoint, 'details.edss');
      return isObject(edss) && isObject(edss.baseline) ? isObject(edss.confirmedProgression) : null;
    }
    case 'edss_cdp_date':
      return at(entry.forms.endpoint, 'details.edss.confirmedProgression.onsetDate') ?? null;
    case 'mri_active_n':
      return countOf(at(entry.forms.endpoint, 'details.mri.activeScans'));
    case 'neda3_w96':
    case 'neda3_w240': {
      const week = Number(name.slice('neda3_w'.length));
      return at(
        p.endpoints.find((e) => at(e, 'week') === week),
        'neda',
      );
    }
    case 'txp_planned_start':
      return at(entry.forms.transplant_phase, 'plannedStart') ?? null;
    case 'txp_planned_end':
      return at(entry.forms.transplant_phase, 'plannedEnd') ?? null;
    default:
      return null;
  }
}

/** A raw value as the variable's type writes it (codes as numbers; dates maybe as days). */
function typed(
  v: DictionaryVariable,
  raw: unknown,
  options: ExportOptions,
  randDate: string | null,
  timeZone: string,
): ExportValue {
  if (raw === undefined || raw === null || raw === '') {
    return null;
  }
  switch (v.type) {
    case 'code': {
      const code = v.codes?.find((c) => c.value === raw);
      return code ? code.code : null;
    }
    case 'date': {
      const date = String(raw).slice(0, 10);
      if (options.datesAs === 'days') {
        return randDate === null ? null : daysBetween(randDate, date);
      }
      return date;
    }
    case 'datetime': {
      const instant = new Date(String(raw)).toISOString();
      if (options.datesAs === 'days') {
        // An instant tells the calendar date too: days since randomisation, on the site's calendar.
        return randDate === null ? null : daysBetween(randDate, calendarDate(instant, timeZone));
      }
      return instant;
    }
    case 'boolean':
      return raw === true || raw === 'true';
    case 'integer':
    case 'decimal': {
      const n = Number(raw);
      return Number.isFinite(n) ? n : null;
    }
    case 'string':
      return Array.isArray(raw) ? raw.map(String).join(';') : String(raw);
  }
}

/** Writes variable `v` of one entry into `row` (a multiple-choice code as `<name>_<code>` 0/1). */
function put(
  row: ExportRow,
  v: DictionaryVariable,
  entry: Entry,
  p: ParticipantRecords,
  options: ExportOptions,
  randDate: string | null,
): void {
  if (v.key) {
    const key = entry.keys[v.name];
    row[v.name] =
      v.type === 'code' ? typed(v, key, options, randDate, p.siteTimeZone) : (key ?? null);
    return;
  }
  const item = v.item ? ITEMS.get(v.item) : undefined;
  let raw: unknown;
  if (item) {
    const list = item.path.indexOf('[]');
    raw =
      list >= 0
        ? at(entry.element, item.path.slice(list + 3))
        : at(entry.forms[item.form], item.path);
  } else {
    raw = extraValue(v.name, entry, p, randDate);
  }
  if (v.multiple && v.type === 'code') {
    const chosen = Array.isArray(raw) ? raw : raw === undefined || raw === null ? null : [raw];
    for (const c of v.codes ?? []) {
      row[`${v.name}_${c.code}`] = chosen === null ? null : chosen.includes(c.value) ? 1 : 0;
    }
    return;
  }
  row[v.name] = typed(v, raw, options, randDate, p.siteTimeZone);
}

/**
 * One participant's export: a row list for every dataset of the dictionary (maybe empty), values
 * by variable name. The dictionary decides what is exported: a blinded one has no arm-revealing
 * variable or code (a revealing code value becomes null), and no dataset that only arm A has.
 */
export function flattenParticipant(
  p: ParticipantRecords,
  dictionary: Dictionary,
  options: ExportOptions,
): ParticipantExport {
  const entries = entriesOf(p);
  const byName = new Map(dictionary.variables.map((v) => [v.name, v]));
  const randomisedAt = at(p.allocation, 'randomisedAt');
  const randDate =
    typeof randomisedAt === 'string' ? calendarDate(randomisedAt, p.siteTimeZone) : null;
  const rows: Record<string, ExportRow[]> = {};
  for (const dataset of dictionary.datasets) {
    const variables = dataset.variables.map((name) => byName.get(name) as DictionaryVariable);
    rows[dataset.name] = (entries[dataset.name] ?? []).map((entry) => {
      const row: ExportRow = {};
      for (const v of variables) {
        put(row, v, entry, p, options, randDate);
      }
      return row;
    });
  }
  const signatures: ExportSignature[] = p.assessments.flatMap((a, i) => {
    const s = at(a, 'signature');
    return isObject(s) && typeof s.signedAt === 'string'
      ? [{ eligSeq: i + 1, userId: String(s.signerId), at: s.signedAt, meaning: String(s.meaning) }]
      : [];
  });
  const lastAssessment = p.assessments[p.assessments.length - 1];
  const audit: ExportAuditEntry[] = p.audit.map((a) => ({
    seq: a.seq,
    at: a.at,
    userId: a.actorId,
    siteCode: p.siteCode,
    action: a.action,
    item: null,
    dataset: a.entity,
    before: a.before === null || a.before === undefined ? null : JSON.stringify(a.before),
    after: a.after === null || a.after === undefined ? null : JSON.stringify(a.after),
    reason: a.reason,
  }));
  return {
    studyId: p.studyId,
    siteCode: p.siteCode,
    protocolVersion: String(at(lastAssessment, 'criteriaSetVersion') ?? '1'),
    rows,
    audit,
    signatures,
  };
}
