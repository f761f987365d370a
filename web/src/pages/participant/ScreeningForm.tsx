import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useFieldArray, useForm, type UseFormRegister } from 'react-hook-form';
import { api, call } from '../../api/client';
import type { ScreeningRecord } from '../../api/client';
import { ErrorBox, Field } from '../../components/ui';
import { applyServerErrors } from '../../lib/forms';
import { CorrectionHistory } from '../../components/History';
import { diffRecord, type GroupSpec, patchFromChanges } from '../../lib/corrections';
import { DraftNotice, useServerDraft } from '../../lib/drafts';
import { DRUG_LABELS } from '../../lib/labels';
import { useZone } from '../../lib/reference';

const TESTS = [
  ['tb', 'Tuberculosis (TB)'],
  ['hiv', 'HIV'],
  ['hbsag', 'Hepatitis B (HBsAg)'],
  ['hcvPcr', 'Hepatitis C (HCV PCR)'],
  ['syphilis', 'Syphilis'],
] as const;
const ACTIVE = [
  ['cmv', 'CMV'],
  ['ebv', 'EBV'],
  ['hsv', 'HSV'],
  ['vzv', 'VZV'],
  ['toxoplasmosis', 'Toxoplasmosis'],
] as const;
const COMORBIDITY = [
  [
    'contraindicationOrHypersensitivity',
    'Contraindication or hypersensitivity to study medication',
  ],
  ['diseasePreventingMedication', 'Disease that rules out the needed medication'],
  ['severeDepression', 'Severe depression'],
  ['addiction', 'Alcohol or drug addiction'],
  ['cardiovascularRisk', 'Clinically relevant cardiovascular risk'],
  ['activeMalignancy', 'Active malignancy'],
  ['pastMalignancyOtherThanBccOrCin', 'Past malignancy other than basal-cell carcinoma or CIN'],
] as const;
const FLAGS = [
  ['pregnantOrBreastfeeding', 'Pregnant or breastfeeding'],
  ['childbearingPotential', 'Childbearing potential (self or partner)'],
  ['agreesToContraception', 'Agrees to highly effective contraception'],
  ['referredFromNeurology', 'Referred from a neurology department'],
  ['willingToBeRandomised', 'Willing to be randomised'],
  ['willingToLearnInfectionResults', 'Willing to learn the infection test results'],
] as const;
const EDSS_STEPS = Array.from({ length: 21 }, (_, i) => (i / 2).toFixed(1));

type YesNo = '' | 'true' | 'false';
type Form = {
  diagnosis: {
    course: string;
    mcDonaldMet: YesNo;
    symptomOnsetDate: string;
    diagnosisDate: string;
  };
  edss: { score: string; date: string; stablePhase: YesNo };
  relapses: {
    itemId: string;
    onsetDate: string;
    steroidTreated: YesNo;
    clinicallyRelevant: YesNo;
  }[];
  relapsesNone: boolean;
  mriExams: {
    itemId: string;
    id: string;
    date: string;
    gdEnhancingT1: string;
    newOrEnlargingT2: string;
    comparedWithExamId: string;
    comparedWithDate: string;
  }[];
  mriNone: boolean;
  treatments: {
    itemId: string;
    drug: string;
    startDate: string;
    endDate: string;
    stillOn: boolean;
  }[];
  treatmentsNone: boolean;
  infections: Record<string, string>;
  activeInfections: Record<string, YesNo>;
  comorbidity: Record<string, YesNo>;
  flags: Record<string, YesNo>;
  reason: string;
};

const yn = (v: boolean | null | undefined): YesNo =>
  v === true ? 'true' : v === false ? 'false' : '';
const bool = (v: YesNo): boolean | null => (v === 'true' ? true : v === 'false' ? false : null);
const str = (v: string | null | undefined) => v ?? '';
/** The server-assigned identity of a recorded list item (absent on a new row). */
const itemIdOf = (x: object): string => str((x as { itemId?: string }).itemId);

const LISTS = ['relapses', 'mriExams', 'treatments'] as const;
const LIST_GROUPS: GroupSpec[] = LISTS.map((path) => ({ path, key: 'itemId', generated: true }));

function toForm(r: ScreeningRecord): Form {
  return {
    diagnosis: {
      course: str(r.diagnosis?.course),
      mcDonaldMet: yn(r.diagnosis?.mcDonaldMet),
      symptomOnsetDate: str(r.diagnosis?.symptomOnsetDate),
      diagnosisDate: str(r.diagnosis?.diagnosisDate),
    },
    edss: {
      score: r.edss?.score == null ? '' : r.edss.score.toFixed(1),
      date: str(r.edss?.date),
      stablePhase: yn(r.edss?.stablePhase),
    },
    relapses: (r.relapses ?? []).map((x) => ({
      itemId: itemIdOf(x),
      onsetDate: x.onsetDate,
      steroidTreated: yn(x.steroidTreated),
      clinicallyRelevant: yn(x.clinicallyRelevant),
    })),
    relapsesNone: Array.isArray(r.relapses) && r.relapses.length === 0,
    mriExams: (r.mriExams ?? []).map((x) => ({
      itemId: itemIdOf(x),
      id: str(x.id),
      date: x.date,
      gdEnhancingT1: x.gdEnhancingT1 == null ? '' : String(x.gdEnhancingT1),
      newOrEnlargingT2: x.newOrEnlargingT2 == null ? '' : String(x.newOrEnlargingT2),
      comparedWithExamId: str(x.comparedWithExamId),
      comparedWithDate: str(x.comparedWithDate),
    })),
    mriNone: Array.isArray(r.mriExams) && r.mriExams.length === 0,
    treatments: (r.treatments ?? []).map((x) => ({
      itemId: itemIdOf(x),
      drug: x.drug,
      startDate: str(x.startDate),
      endDate: str(x.endDate),
      stillOn: x.endDate === null,
    })),
    treatmentsNone: Array.isArray(r.treatments) && r.treatments.length === 0,
    infections: Object.fromEntries(TESTS.map(([k]) => [k, str(r.infections?.[k])])),
    activeInfections: Object.fromEntries(ACTIVE.map(([k]) => [k, yn(r.activeInfections?.[k])])),
    comorbidity: Object.fromEntries(COMORBIDITY.map(([k]) => [k, yn(r.comorbidity?.[k])])),
    flags: Object.fromEntries(FLAGS.map(([k]) => [k, yn(r[k])])),
    reason: '',
  };
}

/** Object section: entered fields; a blank where a value was recorded becomes null (a correction). */
function section<T extends Record<string, unknown>>(
  entered: T,
  before: Record<string, unknown> | undefined | null,
): Partial<T> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entered)) {
    if (v !== null && v !== '' && v !== undefined) out[k] = v;
    else if (before && before[k] !== null && before[k] !== undefined) out[k] = null;
  }
  return Object.keys(out).length > 0 ? (out as Partial<T>) : undefined;
}

/** The PATCH body: only the sections that differ from what is stored. */
function toPatch(f: Form, before: ScreeningRecord): ScreeningRecord {
  const next: ScreeningRecord = {
    diagnosis: section(
      {
        course: (f.diagnosis.course || null) as NonNullable<ScreeningRecord['diagnosis']>['course'],
        mcDonaldMet: bool(f.diagnosis.mcDonaldMet),
        symptomOnsetDate: f.diagnosis.symptomOnsetDate || null,
        diagnosisDate: f.diagnosis.diagnosisDate || null,
      },
      before.diagnosis,
    ),
    edss: section(
      {
        score: f.edss.score === '' ? null : Number(f.edss.score),
        date: f.edss.date || null,
        stablePhase: bool(f.edss.stablePhase),
      },
      before.edss,
    ),
    relapses:
      f.relapses.length > 0
        ? f.relapses.map((x, i) => ({
            itemId: x.itemId || `new-${i}`,
            onsetDate: x.onsetDate,
            steroidTreated: bool(x.steroidTreated),
            clinicallyRelevant: bool(x.clinicallyRelevant),
          }))
        : f.relapsesNone
          ? []
          : undefined,
    mriExams:
      f.mriExams.length > 0
        ? f.mriExams.map((x, i) => ({
            itemId: x.itemId || `new-${i}`,
            ...(x.id ? { id: x.id } : {}),
            date: x.date,
            gdEnhancingT1: x.gdEnhancingT1 === '' ? null : Number(x.gdEnhancingT1),
            newOrEnlargingT2: x.newOrEnlargingT2 === '' ? null : Number(x.newOrEnlargingT2),
            ...(x.comparedWithExamId ? { comparedWithExamId: x.comparedWithExamId } : {}),
            ...(x.comparedWithDate ? { comparedWithDate: x.comparedWithDate } : {}),
          }))
        : f.mriNone
          ? []
          : undefined,
    treatments:
      f.treatments.length > 0
        ? f.treatments.map((x, i) => ({
            itemId: x.itemId || `new-${i}`,
            drug: x.drug as NonNullable<ScreeningRecord['treatments']>[number]['drug'],
            startDate: x.startDate || null,
            ...(x.stillOn ? { endDate: null } : x.endDate ? { endDate: x.endDate } : {}),
          }))
        : f.treatmentsNone
          ? []
          : undefined,
    infections: section(
      Object.fromEntries(TESTS.map(([k]) => [k, f.infections[k] || null])) as NonNullable<
        ScreeningRecord['infections']
      >,
      before.infections,
    ),
    activeInfections: section(
      Object.fromEntries(ACTIVE.map(([k]) => [k, bool(f.activeInfections[k])])),
      before.activeInfections,
    ),
    comorbidity: section(
      Object.fromEntries(COMORBIDITY.map(([k]) => [k, bool(f.comorbidity[k])])),
      before.comorbidity,
    ),
  };
  for (const [k] of FLAGS) {
    const v = bool(f.flags[k]);
    if (v !== null || (before[k] !== null && before[k] !== undefined)) next[k] = v;
  }
  const patch: Record<string, unknown> = {};
  const lists: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    if (v === undefined) continue;
    const stored = (before as Record<string, unknown>)[k];
    if ((LISTS as readonly string[]).includes(k)) {
      if (Array.isArray(stored) && stored.length > 0) {
        // A recorded list changes item by item: exactly the items and fields edited.
        const ops = patchFromChanges(
          diffRecord({ [k]: stored }, { [k]: v }, LIST_GROUPS),
          LIST_GROUPS,
        )[k];
        if (ops) lists[k] = ops;
      } else if (JSON.stringify(normalise(v)) !== JSON.stringify(normalise(stored))) {
        patch[k] = (v as Record<string, unknown>[]).map(({ itemId: _new, ...item }) => item);
      }
      continue;
    }
    if (JSON.stringify(normalise(v)) !== JSON.stringify(normalise(stored))) patch[k] = v;
  }
  if (Object.keys(lists).length > 0) patch.lists = lists;
  return patch as ScreeningRecord;
}

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== null && x !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, normalise(x)]),
    );
  }
  return v;
}

/** Whether an API error path names a field of this form. */
function isFormPath(path: string): boolean {
  return (
    /^(diagnosis|edss|infections|activeInfections|comorbidity)\.\w+$/.test(path) ||
    /^(relapses|mriExams|treatments)\.\d+\.\w+$/.test(path) ||
    path === 'reason' ||
    FLAGS.some(([k]) => k === path)
  );
}

/** Field names the API may report errors for, as form paths. */
function formPath(apiPath: string): string {
  if (FLAGS.some(([k]) => k === apiPath)) return `flags.${apiPath}`;
  return apiPath;
}

function YesNoSelect({
  register,
  name,
  label,
  error,
  mark,
}: {
  register: UseFormRegister<Form>;
  name: Parameters<UseFormRegister<Form>>[0];
  label: string;
  error?: string;
  mark?: string;
}) {
  return (
    <Field label={label} error={error} mark={mark}>
      {(c) => (
        <select {...c} {...register(name)}>
          <option value="">Not recorded</option>
          <option value="true">Yes</option>
          <option value="false">No</option>
        </select>
      )}
    </Field>
  );
}

/**
 * Every field of the screening record, entered from the records and the screening visit. Saves
 * only the sections that changed; the API's field-level errors appear next to their fields.
 */
export function ScreeningForm({
  participantId,
  data,
  version,
  editable,
}: {
  participantId: string;
  data: ScreeningRecord;
  version: number;
  editable: boolean;
}) {
  const qc = useQueryClient();
  const [summary, setSummary] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const form = useForm<Form>({ defaultValues: toForm(data) });
  const { register, control, handleSubmit, formState, setError, watch, reset } = form;
  // Unsaved input survives a new sign-in: a draft on the server (per user, per record version).
  const draft = useServerDraft(editable ? `screening:${participantId}:${version}` : null, form);
  const relapses = useFieldArray({ control, name: 'relapses' });
  const mris = useFieldArray({ control, name: 'mriExams' });
  const treatments = useFieldArray({ control, name: 'treatments' });
  const hasData = Object.keys(data).length > 0;
  const errs = formState.errors;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const err = (path: string): string | undefined =>
    path.split('.').reduce<any>((o, k) => o?.[k], errs)?.message;
  /** A form field's path in the record, for its data-query mark: `relapses.0.onsetDate` → `relapses[<itemId>].onsetDate`. */
  const markOf = (path: string): string => {
    const row = /^(relapses|mriExams|treatments)\.(\d+)\.(\w+)$/.exec(path);
    if (row) {
      const itemId = String(form.getValues(`${row[1]}.${Number(row[2])}.itemId` as never) ?? '');
      return `${row[1]}[${itemId}].${row[3]}`;
    }
    return path.startsWith('flags.') ? path.slice(6) : path;
  };

  const mutation = useMutation({
    mutationFn: (f: Form) => {
      const body = toPatch(f, data);
      if (Object.keys(body).length === 0) return Promise.resolve(null);
      return call(
        api.PATCH('/participants/{id}/screening', {
          params: { path: { id: participantId } },
          body: {
            ...body,
            ...(f.reason ? { reason: f.reason } : {}),
            expectedVersion: version,
          } as never,
        }),
      );
    },
    onSuccess: async (episode) => {
      void draft.clear();
      setSaved(true);
      if (episode) {
        reset(toForm((episode as { data: ScreeningRecord }).data));
        await qc.invalidateQueries({ queryKey: ['participant', participantId] });
      }
    },
    onError: (e) => {
      const left = applyServerErrors<Form>(
        e,
        (name, error, options) => setError(formPath(name as string) as never, error, options),
        isFormPath,
      );
      setSummary(left);
    },
  });

  const submit = handleSubmit((f) => {
    setSummary([]);
    setSaved(false);
    mutation.mutate(f);
  });

  const infectionOptions = (
    <>
      <option value="">Not recorded</option>
      <option value="negative">Negative</option>
      <option value="positive">Positive</option>
      <option value="pending">Pending</option>
    </>
  );

  const body = (
    <fieldset disabled={!editable || mutation.isPending} style={{ border: 'none', padding: 0 }}>
      <fieldset>
        <legend>Diagnosis</legend>
        <div className="grid">
          <Field
            label="Disease course"
            error={err('diagnosis.course')}
            mark={markOf('diagnosis.course')}
          >
            {(c) => (
              <select {...c} {...register('diagnosis.course')}>
                <option value="">Not recorded</option>
                <option value="RRMS">Relapsing-remitting (RRMS)</option>
                <option value="SPMS">Secondary progressive (SPMS)</option>
                <option value="PPMS">Primary progressive (PPMS)</option>
                <option value="CIS">Clinically isolated syndrome (CIS)</option>
              </select>
            )}
          </Field>
          <YesNoSelect
            register={register}
            name="diagnosis.mcDonaldMet"
            label="Revised McDonald criteria met"
            error={err('diagnosis.mcDonaldMet')}
            mark={markOf('diagnosis.mcDonaldMet')}
          />
          <Field
            label="Symptom onset date"
            error={err('diagnosis.symptomOnsetDate')}
            mark={markOf('diagnosis.symptomOnsetDate')}
          >
            {(c) => <input {...c} type="date" {...register('diagnosis.symptomOnsetDate')} />}
          </Field>
          <Field
            label="Diagnosis date"
            error={err('diagnosis.diagnosisDate')}
            mark={markOf('diagnosis.diagnosisDate')}
          >
            {(c) => <input {...c} type="date" {...register('diagnosis.diagnosisDate')} />}
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>EDSS</legend>
        <div className="grid">
          <Field
            label="EDSS score"
            hint="0 to 10 in steps of 0.5"
            error={err('edss.score')}
            mark={markOf('edss.score')}
          >
            {(c) => (
              <select {...c} {...register('edss.score')}>
                <option value="">Not recorded</option>
                {EDSS_STEPS.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="EDSS date" error={err('edss.date')} mark={markOf('edss.date')}>
            {(c) => <input {...c} type="date" {...register('edss.date')} />}
          </Field>
          <YesNoSelect
            register={register}
            name="edss.stablePhase"
            label="Assessed in a stable phase"
            error={err('edss.stablePhase')}
            mark={markOf('edss.stablePhase')}
          />
        </div>
      </fieldset>

      <fieldset>
        <legend>Relapses</legend>
        {relapses.fields.map((f, i) => (
          <div key={f.id} className="panel" role="group" aria-label={`Relapse ${i + 1}`}>
            <div className="grid">
              <Field
                label={`Relapse ${i + 1}: onset date`}
                error={err(`relapses.${i}.onsetDate`)}
                mark={markOf(`relapses.${i}.onsetDate`)}
              >
                {(c) => (
                  <input
                    {...c}
                    type="date"
                    {...register(`relapses.${i}.onsetDate`, { required: 'Enter the onset date' })}
                  />
                )}
              </Field>
              <YesNoSelect
                register={register}
                name={`relapses.${i}.steroidTreated`}
                label="Treated with high-dose steroids"
                error={err(`relapses.${i}.steroidTreated`)}
                mark={markOf(`relapses.${i}.steroidTreated`)}
              />
              <YesNoSelect
                register={register}
                name={`relapses.${i}.clinicallyRelevant`}
                label="Clinically relevant"
                error={err(`relapses.${i}.clinicallyRelevant`)}
                mark={markOf(`relapses.${i}.clinicallyRelevant`)}
              />
            </div>
            <button type="button" className="secondary" onClick={() => relapses.remove(i)}>
              Remove relapse {i + 1}
            </button>
          </div>
        ))}
        {relapses.fields.length === 0 && (
          <label className="small">
            <input type="checkbox" {...register('relapsesNone')} /> The records show no relapses
          </label>
        )}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            relapses.append({
              itemId: '',
              onsetDate: '',
              steroidTreated: '',
              clinicallyRelevant: '',
            })
          }
        >
          Add a relapse
        </button>
      </fieldset>

      <fieldset>
        <legend>MRI exams</legend>
        {mris.fields.map((f, i) => (
          <div key={f.id} className="panel" role="group" aria-label={`MRI exam ${i + 1}`}>
            <div className="grid">
              <Field
                label={`MRI ${i + 1}: exam date`}
                error={err(`mriExams.${i}.date`)}
                mark={markOf(`mriExams.${i}.date`)}
              >
                {(c) => (
                  <input
                    {...c}
                    type="date"
                    {...register(`mriExams.${i}.date`, { required: 'Enter the exam date' })}
                  />
                )}
              </Field>
              <Field
                label="Exam id (optional)"
                hint="So another exam can name it as its reference"
                error={err(`mriExams.${i}.id`)}
                mark={markOf(`mriExams.${i}.id`)}
              >
                {(c) => <input {...c} {...register(`mriExams.${i}.id`)} />}
              </Field>
              <Field
                label="Gd-enhancing T1 lesions"
                error={err(`mriExams.${i}.gdEnhancingT1`)}
                mark={markOf(`mriExams.${i}.gdEnhancingT1`)}
              >
                {(c) => (
                  <input
                    {...c}
                    type="number"
                    min={0}
                    max={500}
                    step={1}
                    inputMode="numeric"
                    {...register(`mriExams.${i}.gdEnhancingT1`)}
                  />
                )}
              </Field>
              <Field
                label="New or enlarging T2 lesions"
                error={err(`mriExams.${i}.newOrEnlargingT2`)}
                mark={markOf(`mriExams.${i}.newOrEnlargingT2`)}
              >
                {(c) => (
                  <input
                    {...c}
                    type="number"
                    min={0}
                    max={500}
                    step={1}
                    inputMode="numeric"
                    {...register(`mriExams.${i}.newOrEnlargingT2`)}
                  />
                )}
              </Field>
              <Field
                label="Compared with exam id"
                error={err(`mriExams.${i}.comparedWithExamId`)}
                mark={markOf(`mriExams.${i}.comparedWithExamId`)}
              >
                {(c) => <input {...c} {...register(`mriExams.${i}.comparedWithExamId`)} />}
              </Field>
              <Field
                label="Or compared with exam of date"
                error={err(`mriExams.${i}.comparedWithDate`)}
                mark={markOf(`mriExams.${i}.comparedWithDate`)}
              >
                {(c) => (
                  <input {...c} type="date" {...register(`mriExams.${i}.comparedWithDate`)} />
                )}
              </Field>
            </div>
            <button type="button" className="secondary" onClick={() => mris.remove(i)}>
              Remove MRI {i + 1}
            </button>
          </div>
        ))}
        {mris.fields.length === 0 && (
          <label className="small">
            <input type="checkbox" {...register('mriNone')} /> No MRI exams
          </label>
        )}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            mris.append({
              itemId: '',
              id: '',
              date: '',
              gdEnhancingT1: '',
              newOrEnlargingT2: '',
              comparedWithExamId: '',
              comparedWithDate: '',
            })
          }
        >
          Add an MRI exam
        </button>
      </fieldset>

      <fieldset>
        <legend>MS treatments</legend>
        {treatments.fields.map((f, i) => (
          <div key={f.id} className="panel" role="group" aria-label={`Treatment ${i + 1}`}>
            <div className="grid">
              <Field
                label={`Treatment ${i + 1}: drug`}
                error={err(`treatments.${i}.drug`)}
                mark={markOf(`treatments.${i}.drug`)}
              >
                {(c) => (
                  <select
                    {...c}
                    {...register(`treatments.${i}.drug`, { required: 'Choose the drug' })}
                  >
                    <option value="">Choose…</option>
                    {Object.entries(DRUG_LABELS).map(([code, label]) => (
                      <option key={code} value={code}>
                        {label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field
                label="Start date"
                error={err(`treatments.${i}.startDate`)}
                mark={markOf(`treatments.${i}.startDate`)}
              >
                {(c) => <input {...c} type="date" {...register(`treatments.${i}.startDate`)} />}
              </Field>
              <Field
                label="End date"
                error={err(`treatments.${i}.endDate`)}
                mark={markOf(`treatments.${i}.endDate`)}
              >
                {(c) => (
                  <input
                    {...c}
                    type="date"
                    disabled={watch(`treatments.${i}.stillOn`)}
                    {...register(`treatments.${i}.endDate`)}
                  />
                )}
              </Field>
              <div className="field">
                <label>
                  <input type="checkbox" {...register(`treatments.${i}.stillOn`)} /> Still on it
                </label>
              </div>
            </div>
            <button type="button" className="secondary" onClick={() => treatments.remove(i)}>
              Remove treatment {i + 1}
            </button>
          </div>
        ))}
        {treatments.fields.length === 0 && (
          <label className="small">
            <input type="checkbox" {...register('treatmentsNone')} /> Never treated
          </label>
        )}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            treatments.append({ itemId: '', drug: '', startDate: '', endDate: '', stillOn: false })
          }
        >
          Add a treatment
        </button>
      </fieldset>

      <fieldset>
        <legend>Infection tests</legend>
        <div className="grid">
          {TESTS.map(([k, label]) => (
            <Field
              key={k}
              label={label}
              error={err(`infections.${k}`)}
              mark={markOf(`infections.${k}`)}
            >
              {(c) => (
                <select {...c} {...register(`infections.${k}`)}>
                  {infectionOptions}
                </select>
              )}
            </Field>
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>Known active infections</legend>
        <div className="grid">
          {ACTIVE.map(([k, label]) => (
            <YesNoSelect
              key={k}
              register={register}
              name={`activeInfections.${k}`}
              label={label}
              error={err(`activeInfections.${k}`)}
              mark={markOf(`activeInfections.${k}`)}
            />
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>Comorbidity</legend>
        <div className="grid">
          {COMORBIDITY.map(([k, label]) => (
            <YesNoSelect
              key={k}
              register={register}
              name={`comorbidity.${k}`}
              label={label}
              error={err(`comorbidity.${k}`)}
              mark={markOf(`comorbidity.${k}`)}
            />
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>Other questions</legend>
        <div className="grid">
          {FLAGS.map(([k, label]) => (
            <YesNoSelect
              key={k}
              register={register}
              name={`flags.${k}`}
              label={label}
              error={err(`flags.${k}`)}
              mark={markOf(`flags.${k}`)}
            />
          ))}
        </div>
      </fieldset>

      {hasData && (
        <Field
          label="Reason for the correction"
          hint="Needed when you change or remove a value that was already recorded (audited)"
          error={err('reason')}
        >
          {(c) => <input {...c} {...register('reason')} />}
        </Field>
      )}
      {summary.length > 0 && (
        <div className="alert error" role="alert">
          <strong>The screening data were not saved:</strong>
          <ul>
            {summary.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </div>
      )}
      {Object.keys(errs).length > 0 && summary.length === 0 && !mutation.isPending && (
        <div className="alert error" role="alert">
          The screening data were not saved: correct the fields marked in red.
        </div>
      )}
      {saved && !mutation.isPending && Object.keys(errs).length === 0 && (
        <div className="alert ok" role="status">
          Screening data saved.
        </div>
      )}
      {editable && (
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Save screening data'}
        </button>
      )}
    </fieldset>
  );
  return (
    <form onSubmit={submit} noValidate aria-labelledby="screening-h">
      <h2 id="screening-h">Screening data</h2>
      {editable ? (
        <>
          <p className="small muted">
            Enter what the records and the screening visit show. Leave a field empty when it is not
            known yet.
          </p>
          <DraftNotice draft={draft} />
          {body}
        </>
      ) : (
        <details>
          <summary>
            Show the recorded screening data (read-only here: decided, or not yours to edit)
          </summary>
          {body}
        </details>
      )}
      {mutation.isError && summary.length === 0 && Object.keys(errs).length === 0 && (
        <ErrorBox error={mutation.error} />
      )}
    </form>
  );
}

/** The screening record's kept versions: who corrected what, when and why. */
export function ScreeningHistory({
  participantId,
  siteId,
  version,
}: {
  participantId: string;
  siteId: string;
  version: number;
}) {
  const zone = useZone(siteId);
  const history = useQuery({
    queryKey: ['participant', participantId, 'screening-history', version],
    queryFn: () =>
      call(
        api.GET('/participants/{id}/screening/history', {
          params: { path: { id: participantId } },
        }),
      ),
  });
  return (
    <CorrectionHistory
      title="Screening record: correction history"
      versions={history.data ?? []}
      zone={zone}
    />
  );
}
