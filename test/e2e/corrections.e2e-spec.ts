import {
  diffRecord,
  type FieldChange,
  type GroupSpec,
  patchFromChanges,
} from 'src/common/corrections/corrections';
import { ramMsEligibleRecord } from 'src/modules/eligibility/engine/testing/screening.builders';
import { SCREENING_GROUPS } from 'src/modules/eligibility/screening-record';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { VISIT_LOG_GROUPS } from 'src/modules/follow-up/visit-log.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

/**
 * Corrections never erase data (issue 13): for each correctable record, generated over its
 * fields, correcting one field of a fully filled record leaves every other field as it was and
 * the audit row lists exactly that field; two corrections from the same version: the second is
 * a 409; one item of a repeating group never drops the others.
 */

const RANDOMISED = '2026-03-28T23:30:00Z';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Rec = { [k: string]: Json };
type Detail = {
  visit: Rec & { id: string; version: number; siteData: Rec; loggedDate: string };
  adverseEvents: Rec[];
};

/** Every leaf field of a record, as the change paths `diffRecord` uses. */
function leaves(
  record: Json,
  groups: readonly GroupSpec[],
  path = '',
): { path: string; value: Json }[] {
  const group = groups.find((g) => g.path === path);
  if (group && Array.isArray(record)) {
    return (record as Rec[]).flatMap((item) =>
      Object.entries(item)
        .filter(([k]) => k !== group.key)
        .flatMap(([k, v]) => leaves(v, [], `${path}[${String(item[group.key])}].${k}`)),
    );
  }
  if (record !== null && typeof record === 'object' && !Array.isArray(record)) {
    return Object.entries(record).flatMap(([k, v]) => leaves(v, groups, path ? `${path}.${k}` : k));
  }
  return [{ path, value: record }];
}

/** Valid alternatives for coded fields, by field name. */
const CODED: Record<string, [string, string]> = {
  course: ['RRMS', 'SPMS'],
  drug: ['interferon_beta', 'natalizumab'],
  tb: ['negative', 'pending'],
  hiv: ['negative', 'pending'],
  hbsag: ['negative', 'pending'],
  hcvPcr: ['negative', 'pending'],
  syphilis: ['negative', 'pending'],
};

/** Another valid value for a field: dates a day earlier, booleans flipped, numbers + 1, text amended. */
function another(path: string, value: Json): Json {
  const name = path.split('.').pop() ?? path;
  if (CODED[name] && typeof value === 'string') {
    return CODED[name][0] === value ? CODED[name][1] : CODED[name][0];
  }
  if (typeof value === 'boolean') {
    return !value;
  }
  if (typeof value === 'number') {
    return path.endsWith('score') ? (value >= 9.5 ? value - 0.5 : value + 0.5) : value + 1;
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const d = new Date(`${value}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - 1);
    return d.toISOString().slice(0, 10);
  }
  if (Array.isArray(value)) {
    return value.length > 1 ? value.slice(0, 1) : [...value, 'hospitalisation'];
  }
  return `${String(value)} (corrected)`;
}

describe('corrections: change only what was changed, keep every version (e2e)', () => {
  let t: TestApp;
  let staff: TestUser;
  let assessor: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-07-10T10:00:00Z' });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    CORRECTION.coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    CORRECTION.investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
  });
  afterAll(() => t.close());

  const visitOf = async (participantId: string, code: string): Promise<string> =>
    (
      (await t.dataSource.query(`SELECT id FROM visits WHERE participant_id = $1 AND code = $2`, [
        participantId,
        code,
      ])) as { id: string }[]
    )[0].id;

  const CORRECTION = {
    coordinator: undefined as unknown as TestUser,
    investigator: undefined as unknown as TestUser,
  };

  const FULL_LOG = {
    visitDate: '2026-04-05',
    relapseAssessment: {
      newRelapse: true,
      relapses: [
        { onsetDate: '2026-03-20', steroidTreated: true, description: 'optic neuritis' },
        { onsetDate: '2026-04-01', steroidTreated: false, description: 'sensory symptoms' },
      ],
    },
    samples: [
      { type: 'bloods', taken: true, note: 'fasting' },
      { type: 'biobank', taken: true, note: 'two tubes' },
    ],
    questionnaires: [
      { instrument: 'msis29', done: true },
      { instrument: 'eq5d', done: true },
    ],
    notes: 'Seen by the study nurse',
  };

  /** A new arm-B participant with W000 logged fully (relapses, samples, questionnaires, notes, an AE). */
  async function loggedVisit(): Promise<{ id: string; detail: Detail }> {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, 'B', RANDOMISED);
    await t.app.get(FollowUpService).generateSchedule(p.id);
    const id = await visitOf(p.id, 'W000');
    const res = await t
      .http()
      .post(`/follow-up/visits/${id}/log`)
      .set(bearer(staff))
      .send({
        ...FULL_LOG,
        adverseEvents: [
          {
            term: 'Headache',
            onsetDate: '2026-04-02',
            endDate: '2026-04-04',
            severity: 'mild',
            serious: false,
            outcome: 'recovered',
          },
        ],
      })
      .expect(200);
    return { id, detail: res.body as Detail };
  }

  const logRecord = (d: Detail): Rec => ({ visitDate: d.visit.loggedDate, ...d.visit.siteData });
  const getVisit = async (id: string) =>
    (await t.http().get(`/follow-up/visits/${id}`).set(bearer(staff)).expect(200)).body as Detail;
  const lastAudit = async (action: string, entityId: string) => {
    const rows = (await t.dataSource.query(
      `SELECT before, after, reason FROM audit_log WHERE action = $1 AND entity_id = $2 ORDER BY seq DESC LIMIT 1`,
      [action, entityId],
    )) as { before: Rec; after: Rec; reason: string }[];
    return rows[0];
  };

  it('[REQ-CORR-001] the visit log: correcting any one field leaves every other field and the audit row lists exactly it', async () => {
    const { id, detail } = await loggedVisit();
    const original = logRecord(detail);
    // newRelapse cannot change alone while relapses are listed (tested with the group below).
    const fields = leaves(original, VISIT_LOG_GROUPS).filter(
      (f) => f.path !== 'relapseAssessment.newRelapse',
    );
    expect(fields.length).toBeGreaterThanOrEqual(13);
    let current = original;
    let version = detail.visit.version;
    for (const field of fields) {
      const change: FieldChange = {
        path: field.path,
        before: field.value,
        after: another(field.path, field.value),
      };
      const body = {
        ...patchFromChanges([change], VISIT_LOG_GROUPS),
        reason: `fix ${field.path}`,
        expectedVersion: version,
      };
      const res = await t.http().patch(`/follow-up/visits/${id}/log`).set(bearer(staff)).send(body);
      expect({
        field: field.path,
        status: res.status,
        body: res.status === 200 ? null : res.body,
      }).toEqual({ field: field.path, status: 200, body: null });
      const now = logRecord(res.body as Detail);
      // Exactly this field differs from the version before, through the API read too.
      expect(diffRecord(current, now, VISIT_LOG_GROUPS)).toEqual([change]);
      expect(logRecord(await getVisit(id))).toEqual(now);
      const audit = await lastAudit('follow-up.visit_corrected', id);
      expect(audit).toEqual({
        before: { [field.path]: change.before },
        after: { [field.path]: change.after },
        reason: `fix ${field.path}`,
      });
      current = now;
      version = (res.body as Detail).visit.version;
    }
    // The adverse event logged with the visit is untouched.
    expect((await getVisit(id)).adverseEvents).toHaveLength(1);
    // Every version is kept: the original and one per correction, each listing its one field.
    const history = (
      await t.http().get(`/follow-up/visits/${id}/history`).set(bearer(staff)).expect(200)
    ).body as {
      log: {
        version: number;
        changes: FieldChange[];
        reason: string | null;
        data: Rec;
        actorName: string | null;
      }[];
    };
    expect(history.log).toHaveLength(fields.length + 1);
    expect(history.log[history.log.length - 1].data).toEqual(original);
    expect(history.log[history.log.length - 1].actorName).not.toBeNull();
    expect(
      history.log.slice(0, -1).every((v) => v.changes.length === 1 && v.reason?.startsWith('fix ')),
    ).toBe(true);
    expect(history.log[0].data).toEqual(current);
  });

  it('[REQ-CORR-001] null clears a field; repeating groups change item by item and one item never drops the others', async () => {
    const { id, detail } = await loggedVisit();
    const patch = (body: object) =>
      t
        .http()
        .patch(`/follow-up/visits/${id}/log`)
        .set(bearer(staff))
        .send({ reason: 'source data verification', ...body });
    // The reported defect: ticking urine only adds urine.
    const urine = await patch({ samples: { add: [{ type: 'urine', taken: true }] } }).expect(200);
    const after = (urine.body as Detail).visit.siteData as {
      samples: { type: string }[];
      relapseAssessment: { newRelapse: boolean; relapses: Rec[] };
    };
    expect(after.samples.map((s) => s.type)).toEqual(['bloods', 'biobank', 'urine']);
    expect(after.relapseAssessment.newRelapse).toBe(true);
    expect(after.relapseAssessment.relapses).toHaveLength(2);
    expect(await lastAudit('follow-up.visit_corrected', id)).toMatchObject({
      before: { 'samples[urine]': null },
      after: { 'samples[urine]': { type: 'urine', taken: true } },
    });

    const [first, second] = after.relapseAssessment.relapses as { id: string }[];
    expect(typeof first.id).toBe('string');
    await patch({ notes: null }).expect(200);
    const noNotes = await getVisit(id);
    expect('notes' in noNotes.visit.siteData).toBe(false);
    await patch({ relapseAssessment: { relapses: { remove: [second.id] } } }).expect(200);
    const oneRelapse = (await getVisit(id)).visit.siteData as {
      relapseAssessment: { relapses: { id: string; description: string }[] };
    };
    expect(oneRelapse.relapseAssessment.relapses).toEqual([{ ...first }]);
    // Removing the last relapse needs newRelapse false in the same correction.
    await patch({ relapseAssessment: { relapses: { remove: [first.id] } } }).expect(400);
    await patch({
      relapseAssessment: { newRelapse: false, relapses: { remove: [first.id] } },
    }).expect(200);

    // Bad input is a 400 and changes nothing: unknown ids, a type already there, whole lists, odd dates, foreign ids.
    const before = logRecord(await getVisit(id));
    const bad = [
      {
        relapseAssessment: {
          relapses: {
            change: [{ id: '6c1f7a52-0000-4000-8000-000000000000', onsetDate: '2026-04-01' }],
          },
        },
      },
      { samples: { add: [{ type: 'bloods', taken: false }] } },
      { samples: { change: [{ type: 'csf', taken: true }] } },
      { samples: [{ type: 'urine', taken: true }] },
      { questionnaires: { remove: ['sf36'] } },
      { visitDate: '2026-02-30' },
      { visitDate: '2027-01-01' },
      { samples: { add: [{ type: 'urine', taken: 'yes' }] } },
      { relapseAssessment: { relapses: { change: [{ id: 'not-a-uuid' }] } } },
      {
        relapseAssessment: {
          relapses: { add: [{ id: first.id, onsetDate: '2026-04-01', steroidTreated: true }] },
        },
      },
      { samples: { replace: [] } },
    ];
    for (const body of bad) {
      const res = await patch(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    expect(logRecord(await getVisit(id))).toEqual(before);
    void detail;
  });

  it('[REQ-CORR-002] two corrections from the same version: the second is refused with 409 listing what changed meanwhile', async () => {
    const { id, detail } = await loggedVisit();
    const v = detail.visit.version;
    const patch = (body: object) =>
      t
        .http()
        .patch(`/follow-up/visits/${id}/log`)
        .set(bearer(staff))
        .send({ reason: 'r', expectedVersion: v, ...body });
    await patch({ notes: 'first' }).expect(200);
    const second = await patch({ samples: { change: [{ type: 'bloods', taken: false }] } }).expect(
      409,
    );
    expect(second.body).toMatchObject({
      code: 'STALE_VERSION',
      errors: [
        {
          path: 'expectedVersion',
          code: 'STALE_VERSION',
          params: {
            currentVersion: v + 1,
            expectedVersion: v,
            changedSince: [{ path: 'notes', before: FULL_LOG.notes, after: 'first' }],
          },
        },
      ],
    });
    const now = (await getVisit(id)).visit.siteData as {
      samples: { type: string; taken: boolean }[];
      notes: string;
    };
    expect(now.samples.find((s) => s.type === 'bloods')?.taken).toBe(true);
    expect(now.notes).toBe('first');

    // The same for an adverse event and the blinded assessment.
    const ae = (await getVisit(id)).adverseEvents[0] as { id: string; version: number };
    const aePatch = (body: object) =>
      t
        .http()
        .patch(`/follow-up/adverse-events/${ae.id}`)
        .set(bearer(staff))
        .send({ reason: 'r', expectedVersion: ae.version, ...body });
    await aePatch({ term: 'Migraine' }).expect(200);
    expect(
      (await aePatch({ severity: 'moderate' }).expect(409)).body.errors[0].params.changedSince,
    ).toEqual([{ path: 'term', before: 'Headache', after: 'Migraine' }]);

    await t
      .http()
      .post(`/follow-up/visits/${id}/assessment`)
      .set(bearer(assessor))
      .send({ edss: { score: 3, rater: 'NS-1', assessedOn: '2026-04-05' } })
      .expect(200);
    const av = (
      (await t.http().get(`/follow-up/visits/${id}`).set(bearer(assessor)).expect(200))
        .body as Detail
    ).visit.version;
    const aPatch = (body: object) =>
      t
        .http()
        .patch(`/follow-up/visits/${id}/assessment`)
        .set(bearer(assessor))
        .send({ reason: 'r', expectedVersion: av, ...body });
    await aPatch({ edss: { score: 3.5 } }).expect(200);
    expect(
      (await aPatch({ edss: { rater: 'NS-2' } }).expect(409)).body.errors[0].params.changedSince,
    ).toEqual([{ path: 'edss.score', before: 3, after: 3.5 }]);
  });

  it('[REQ-CORR-001] an adverse event: correcting any one field leaves the others and audits exactly it', async () => {
    const { id } = await loggedVisit();
    const created = (
      await t
        .http()
        .post(`/follow-up/visits/${id}/adverse-events`)
        .set(bearer(staff))
        .send({
          adverseEvents: [
            {
              term: 'Pneumonia',
              onsetDate: '2026-04-03',
              endDate: '2026-04-20',
              severity: 'moderate',
              serious: true,
              seriousnessCriteria: ['hospitalisation', 'other_medically_important'],
              outcome: 'recovered',
            },
          ],
        })
        .expect(201)
    ).body as { id: string }[];
    const aeId = created[0].id;
    const FIELDS = [
      'term',
      'onsetDate',
      'endDate',
      'severity',
      'seriousnessCriteria',
      'outcome',
    ] as const;
    const read = async () =>
      (await t.http().get(`/follow-up/adverse-events/${aeId}`).set(bearer(staff)).expect(200))
        .body as Rec & { version: number };
    const values = (r: Rec) =>
      Object.fromEntries(FIELDS.map((f) => [f, r[f] ?? null]).concat([['serious', r.serious]]));
    let current = await read();
    for (const field of FIELDS) {
      const value =
        field === 'severity'
          ? 'severe'
          : field === 'outcome'
            ? 'recovering'
            : field === 'onsetDate'
              ? '2026-04-02'
              : another(field, current[field]);
      const res = await t
        .http()
        .patch(`/follow-up/adverse-events/${aeId}`)
        .set(bearer(staff))
        .send({ [field]: value, reason: `fix ${field}`, expectedVersion: current.version });
      expect({ field, status: res.status }).toEqual({ field, status: 200 });
      const next = await read();
      expect(values(next)).toEqual({ ...values(current), [field]: value });
      expect(await lastAudit('follow-up.adverse_event_corrected', aeId)).toEqual({
        before: { [field]: current[field] },
        after: { [field]: value },
        reason: `fix ${field}`,
      });
      current = next;
    }
    await t
      .http()
      .patch(`/follow-up/adverse-events/${aeId}`)
      .set(bearer(staff))
      .send({ endDate: null, reason: 'still ongoing' })
      .expect(200);
    expect((await read()).endDate).toBeNull();
    const history = (
      await t.http().get(`/follow-up/adverse-events/${aeId}/history`).set(bearer(staff)).expect(200)
    ).body as { changes: FieldChange[] }[];
    expect(history).toHaveLength(FIELDS.length + 2);
    await t
      .http()
      .get(`/follow-up/adverse-events/${aeId}/history`)
      .set(bearer(assessor))
      .expect(403);
  });

  it('[REQ-CORR-001] the blinded assessment: correcting any one field leaves the others and audits exactly it', async () => {
    const { id } = await loggedVisit();
    await t
      .http()
      .post(`/follow-up/visits/${id}/assessment`)
      .set(bearer(assessor))
      .send({
        edss: { score: 3.5, rater: 'NS-1234', assessedOn: '2026-04-05' },
        mri: {
          examDate: '2026-04-04',
          gdLesions: 2,
          newOrEnlargingT2: 3,
          comparedWith: '2026-01-10',
        },
      })
      .expect(200);
    const read = async () =>
      (await t.http().get(`/follow-up/visits/${id}`).set(bearer(assessor)).expect(200)).body
        .visit as Rec & { version: number; edss: Rec; mri: Rec };
    const record = (v: { edss: Rec; mri: Rec }) => ({ edss: v.edss, mri: v.mri });
    let current = await read();
    for (const field of leaves(record(current), [])) {
      const change: FieldChange = {
        path: field.path,
        before: field.value,
        after: another(field.path, field.value),
      };
      const res = await t
        .http()
        .patch(`/follow-up/visits/${id}/assessment`)
        .set(bearer(assessor))
        .send({
          ...patchFromChanges([change], []),
          reason: `fix ${field.path}`,
          expectedVersion: current.version,
        });
      expect({
        field: field.path,
        status: res.status,
        body: res.status === 200 ? null : res.body,
      }).toEqual({ field: field.path, status: 200, body: null });
      const next = await read();
      expect(diffRecord(record(current), record(next))).toEqual([change]);
      expect(await lastAudit('follow-up.assessment_corrected', id)).toEqual({
        before: { [field.path]: change.before },
        after: { [field.path]: change.after },
        reason: `fix ${field.path}`,
      });
      current = next;
    }
    const history = (
      await t.http().get(`/follow-up/visits/${id}/history`).set(bearer(assessor)).expect(200)
    ).body as { log: unknown[]; assessment: unknown[] };
    expect(history.log).toEqual([]);
    expect(history.assessment).toHaveLength(8);
    expect(JSON.stringify(history)).not.toMatch(/siteData|urine|bloods|optic/);
  });

  /** A registered candidate at NL-AMS with the full RAM-MS screening record entered. */
  async function screened(): Promise<{
    id: string;
    episode: Rec & { version: number; data: Rec };
  }> {
    const coordinator = CORRECTION.coordinator;
    const siteId = await t.factory.site('NL-AMS');
    const reg = await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId,
        identity: { givenName: 'Test', familyName: 'Correction', birthDate: '1990-05-10' },
      })
      .expect(201);
    const id = reg.body.id as string;
    for (const to of [
      'phone_check_done',
      'records_reviewed',
      'screening_visit_planned',
      'screening_visit_done',
    ]) {
      await t
        .http()
        .post(`/participants/${id}/transitions`)
        .set(bearer(coordinator))
        .send({ to })
        .expect(200);
    }
    const { birthDate: _b, consent: _c, ...data } = ramMsEligibleRecord();
    // A second relapse, exam and treatment, so one item never drops the others.
    data.relapses = [
      ...(data.relapses ?? []),
      { onsetDate: '2025-03-01', steroidTreated: false, clinicallyRelevant: true },
    ];
    data.mriExams = [
      ...(data.mriExams ?? []),
      { id: 'mri-0', date: '2025-04-01', gdEnhancingT1: 0, newOrEnlargingT2: 2 },
    ];
    data.treatments = [
      { drug: 'glatiramer_acetate', startDate: '2021-01-01', endDate: '2023-12-01' },
      ...(data.treatments ?? []),
    ];
    const res = await t
      .http()
      .patch(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .send(data)
      .expect(200);
    return { id, episode: res.body };
  }

  it('[REQ-CORR-001] the screening record: correcting any one field (lists item by item) leaves every other field and audits exactly it', async () => {
    const { id, episode } = await screened();
    const original = episode.data;
    for (const list of ['relapses', 'mriExams', 'treatments']) {
      expect((original[list] as Rec[]).every((i) => typeof i.itemId === 'string')).toBe(true);
    }
    // Exam ids are references between exams (changing one alone breaks them); nulls mean "entered as none".
    const fields = leaves(original, SCREENING_GROUPS).filter(
      (f) => f.value !== null && !/\]\.(id|comparedWithExamId)$/.test(f.path),
    );
    expect(fields.length).toBeGreaterThanOrEqual(40);
    let current = original;
    let version = episode.version;
    for (const field of fields) {
      const change: FieldChange = {
        path: field.path,
        before: field.value,
        after: another(field.path, field.value),
      };
      const patch = patchFromChanges([change], SCREENING_GROUPS);
      // Lists go through `lists`; the other sections as they are.
      const body: Rec = { reason: `fix ${field.path}`, expectedVersion: version };
      for (const [k, v] of Object.entries(patch)) {
        if (SCREENING_GROUPS.some((g) => g.path === k)) {
          body.lists = { ...((body.lists as Rec) ?? {}), [k]: v };
        } else {
          body[k] = v;
        }
      }
      const res = await t
        .http()
        .patch(`/participants/${id}/screening`)
        .set(bearer(CORRECTION.coordinator))
        .send(body);
      expect({
        field: field.path,
        status: res.status,
        body: res.status === 200 ? null : res.body,
      }).toEqual({ field: field.path, status: 200, body: null });
      const now = (res.body as { data: Rec }).data;
      expect(diffRecord(current, now, SCREENING_GROUPS, '', true)).toEqual([change]);
      const audit = await lastAudit('screening.corrected', id);
      expect(audit).toEqual({
        before: { [field.path]: change.before },
        after: { [field.path]: change.after },
        reason: `fix ${field.path}`,
      });
      current = now;
      version = (res.body as { version: number }).version;
    }
    const history = (
      await t
        .http()
        .get(`/participants/${id}/screening/history`)
        .set(bearer(CORRECTION.coordinator))
        .expect(200)
    ).body as { changes: FieldChange[] }[];
    expect(history).toHaveLength(fields.length + 1);

    // A recorded list sent whole is refused; one added item keeps the others; unknown itemIds are a 400; stale is a 409.
    const put = (body: object) =>
      t
        .http()
        .patch(`/participants/${id}/screening`)
        .set(bearer(CORRECTION.coordinator))
        .send({ reason: 'r', ...body });
    const whole = await put({ relapses: [{ onsetDate: '2025-01-01' }] }).expect(400);
    expect(whole.body.message).toMatch(/item by item/);
    const added = await put({
      lists: { relapses: { add: [{ onsetDate: '2025-01-01', steroidTreated: true }] } },
    }).expect(200);
    expect((added.body.data.relapses as Rec[]).length).toBe(3);
    await put({
      lists: { treatments: { remove: ['6c1f7a52-0000-4000-8000-000000000000'] } },
    }).expect(400);
    await put({
      lists: { treatments: { change: [{ itemId: 'nope', drug: 'natalizumab' }] } },
    }).expect(400);
    const v = added.body.version as number;
    const willing = added.body.data.willingToBeRandomised as boolean;
    await put({ willingToBeRandomised: !willing, expectedVersion: v }).expect(200);
    const stale = await put({ referredFromNeurology: false, expectedVersion: v }).expect(409);
    expect(stale.body.errors[0].params.changedSince).toEqual([
      { path: 'willingToBeRandomised', before: willing, after: !willing },
    ]);
  });

  it('the arm-B drug: a change sends one field, keeps the other, audits exactly it; stale is a 409', async () => {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, 'B', RANDOMISED);
    const put = (body: object) =>
      t
        .http()
        .put(`/participants/${p.id}/arm-b-drug`)
        .set(bearer(CORRECTION.investigator))
        .send(body);
    await put({ drug: 'ocrelizumab' }).expect(400);
    const chosen = await put({ drug: 'ocrelizumab', startDate: '2026-04-01' }).expect(200);
    let version = chosen.body.armBVersion as number;
    const original = { drug: 'ocrelizumab', startDate: '2026-04-01' };
    const changes = { drug: 'cladribine', startDate: '2026-03-31' };
    let current: Rec = original;
    for (const [field, value] of Object.entries(changes)) {
      await put({ [field]: value, expectedVersion: version }).expect(400); // no reason
      const res = await put({
        [field]: value,
        reason: `fix ${field}`,
        expectedVersion: version,
      }).expect(200);
      const now = { drug: res.body.armBDrug, startDate: res.body.armBStartDate };
      expect(diffRecord(current, now)).toEqual([
        { path: field, before: current[field], after: value },
      ]);
      expect(await lastAudit('randomization.arm_b_drug_changed', p.id)).toEqual({
        before: { [field]: current[field] },
        after: { [field]: value },
        reason: `fix ${field}`,
      });
      current = now;
      version = res.body.armBVersion as number;
    }
    await put({ drug: 'ocrelizumab', reason: 'r', expectedVersion: version }).expect(200);
    const stale = await put({
      startDate: '2026-03-30',
      reason: 'r',
      expectedVersion: version,
    }).expect(409);
    expect(stale.body.errors[0].params.changedSince).toEqual([
      { path: 'drug', before: 'cladribine', after: 'ocrelizumab' },
    ]);
    const history = (
      await t
        .http()
        .get(`/participants/${p.id}/arm-b-drug/history`)
        .set(bearer(CORRECTION.investigator))
        .expect(200)
    ).body as unknown[];
    expect(history).toHaveLength(4);
  });

  it('a transplant plan phase: a correction sends one field, keeps the others, audits exactly it; stale is a 409', async () => {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, 'A', RANDOMISED);
    const booking = (
      await t
        .http()
        .post(`/scheduling/participants/${p.id}/booking`)
        .set(bearer(CORRECTION.coordinator))
        .expect(200)
    ).body as {
      id: string;
      plannedAdmissionDate: string;
    };
    if (!t.clock) {
      throw new Error('fixed clock expected');
    }
    t.clock.set('2027-12-01T10:00:00Z'); // after the whole plan, so its dates are in the past
    try {
      const put = (body: object) =>
        t
          .http()
          .put(`/scheduling/bookings/${booking.id}/phases/evaluation`)
          .set(bearer(staff))
          .send(body);
      const phaseOf = async () => {
        const b = (
          await t.http().get(`/scheduling/bookings/${booking.id}`).set(bearer(staff)).expect(200)
        ).body as { plan: { phases: Rec[] } };
        const ph = b.plan.phases.find((x) => x.code === 'evaluation') as Rec & { version: number };
        return ph;
      };
      await put({ actualStart: '2027-01-04' }).expect(400); // outcome needed the first time
      await put({ outcome: 'done', actualStart: '2027-01-04', actualEnd: '2027-01-08' }).expect(
        200,
      );
      let current = await phaseOf();
      expect(current).toMatchObject({
        outcome: 'done',
        actualStart: '2027-01-04',
        actualEnd: '2027-01-08',
        version: 0,
      });
      for (const [field, value] of [
        ['actualEnd', '2027-01-07'],
        ['actualStart', '2027-01-05'],
      ] as const) {
        await put({ [field]: value, expectedVersion: current.version }).expect(400); // no reason
        await put({
          [field]: value,
          reason: `fix ${field}`,
          expectedVersion: current.version,
        }).expect(200);
        const next = await phaseOf();
        const values = (r: Rec) => ({
          outcome: r.outcome,
          actualStart: r.actualStart,
          actualEnd: r.actualEnd,
        });
        expect(values(next)).toEqual({ ...values(current), [field]: value });
        expect(await lastAudit('scheduling.phase_corrected', booking.id)).toEqual({
          before: { [`phases[evaluation].${field}`]: current[field] },
          after: { [`phases[evaluation].${field}`]: value },
          reason: `fix ${field}`,
        });
        current = next;
      }
      const v = current.version;
      await put({ actualEnd: '2027-01-09', reason: 'r', expectedVersion: v }).expect(200);
      const stale = await put({
        actualStart: '2027-01-03',
        reason: 'r',
        expectedVersion: v,
      }).expect(409);
      expect(stale.body.errors[0].params.changedSince).toEqual([
        { path: 'actualEnd', before: '2027-01-07', after: '2027-01-09' },
      ]);
      const history = (
        await t
          .http()
          .get(`/scheduling/bookings/${booking.id}/phases/evaluation/history`)
          .set(bearer(staff))
          .expect(200)
      ).body as unknown[];
      expect(history).toHaveLength(4);
    } finally {
      t.clock.set('2026-07-10T10:00:00Z');
    }
  });
});
