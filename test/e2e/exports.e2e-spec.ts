import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIELD_ITEMS } from 'src/common/fields/registry';
import { buildDictionary } from 'src/modules/exports/dictionary/build-dictionary';
import { createTestApp, TestApp } from '../harness/app';
import { ARM_REVEALING_WORDS } from '../harness/arm-revealing';
import { bearer, TestUser } from '../harness/factory';
import { FIXTURE_DAY, NO_RELAPSE, siteFixture, type SiteFixture } from '../harness/fixtures';
import { consentedParticipant, PATHWAY_NOW } from '../harness/pathway';

type Json = Record<string, unknown>;
type ExportFile = { name: string; rows: number; bytes: number; sha256: string };
type Export = Json & { id: string; status: string; progress: number; files: ExportFile[] };

/** RFC 4180 rows (quoted cells with "" escapes and line breaks), header first. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += c;
    }
  }
  return rows;
}

/** The rows of a CSV file as objects by header. */
const records = (text: string): Record<string, string>[] => {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
};

/**
 * Exports (issue 17), end to end with the real worker: a snapshot of the trial through the owning
 * modules' readers into the CSV format, files in the file store with their SHA-256, progress,
 * the audit entry, blinding, site scope, determinism and who may download what.
 */
describe('Exports (e2e)', () => {
  let t: TestApp;
  let dir: string;
  let coordinator: TestUser;
  let investigator: TestUser;
  let statistician: TestUser;
  let blinded: TestUser;
  let admin: TestUser;
  let monitor: TestUser;
  /** Another site's arm-A participant with its transplant booking and plan (and an adverse event). */
  let booked: SiteFixture;
  let ams: string;
  let ber: string;
  let berStudyId: string;
  const randomised: { id: string; arm: string }[] = [];

  const start = async (user: TestUser, body: Json): Promise<Export> =>
    (await t.http().post('/exports').set(bearer(user)).send(body).expect(201)).body as Export;

  /** Starts an export, runs the worker until it is done, and answers the finished export. */
  const run = async (user: TestUser, body: Json): Promise<Export> => {
    const started = await start(user, body);
    // The worker may already have taken it (the outbox relay is kicked after commit).
    expect(['queued', 'running']).toContain(started.status);
    expect(started.files).toEqual([]);
    await t.drainJobs(60_000);
    const done = (await t.http().get(`/exports/${started.id}`).set(bearer(user)).expect(200))
      .body as Export;
    expect(done).toMatchObject({ status: 'done', progress: 100, error: null });
    return done;
  };

  const download = async (user: TestUser, id: string, name: string): Promise<string> => {
    const res = await t
      .http()
      .get(`/exports/${id}/files/${name}`)
      .set(bearer(user))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${name}"`);
    return (res.body as Buffer).toString('utf8');
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ram-ms-exports-'));
    t = await createTestApp({ now: PATHWAY_NOW, env: { EXPORT_DIR: dir } });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    blinded = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    statistician = await t.factory.user('statistician', { trialWide: true });
    admin = await t.factory.user('admin');
    monitor = await t.factory.user('monitor', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
    for (let i = 0; i < 10 && new Set(randomised.map((r) => r.arm)).size < 2; i++) {
      const id = await consentedParticipant(t, { coordinator, investigator, siteId: ams });
      const res = await t
        .http()
        .post(`/participants/${id}/randomization`)
        .set(bearer(investigator))
        .expect(201);
      randomised.push({ id, arm: (res.body as Json).arm as string });
    }
    expect(new Set(randomised.map((r) => r.arm))).toEqual(new Set(['A', 'B']));
    const other = await t.factory.participant('NO-BER');
    ber = other.siteId;
    berStudyId = other.studyId;
    await t.factory.allocation(other.id, 'B', PATHWAY_NOW);
    // The visit schedules are made by the worker.
    await t.drainJobs(60_000);
    // An arm-A weekly visit after the transplant (inserted here: no slot is booked in this suite).
    const armA = randomised.find((r) => r.arm === 'A')!;
    // The arm-A participant's baseline visit logged with an adverse event, its causality assessed.
    const staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const [w0] = (await t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND kind = 'scheduled' ORDER BY target_date LIMIT 1`,
      [armA.id],
    )) as { id: string }[];
    await t
      .http()
      .post(`/follow-up/visits/${w0.id}/log`)
      .set(bearer(staff))
      .send({
        visitDate: FIXTURE_DAY,
        relapseAssessment: NO_RELAPSE,
        adverseEvents: [
          {
            term: 'Febrile neutropenia',
            onsetDate: FIXTURE_DAY,
            severity: 'severe',
            serious: false,
            outcome: 'recovering',
            ctcaeGrade: 3,
            assessments: [{ intervention: 'ahsct', causality: 'related' }],
          },
        ],
      })
      .expect(200);
    // An arm-B participant's follow-up ended: lost.
    const armB = randomised.find((r) => r.arm === 'B')!;
    await t
      .http()
      .post(`/participants/${armB.id}/outcome`)
      .set(bearer(investigator))
      .send({ outcome: 'lost_to_follow_up', reason: 'Moved abroad, per phone call' })
      .expect(200);
    booked = await siteFixture(t, 'NO-BER');
    await t.dataSource.query(
      `INSERT INTO visits (participant_id, site_id, code, kind, anchor, offset_days, label, target_date,
         window_start, window_end)
       VALUES ($1, $2, 'A-D007', 'arm_a_weekly', 'transplant', 7, 'Day +7', '2026-06-08', '2026-06-07', '2026-06-09')`,
      [armA.id, ams],
    );
  }, 300_000);

  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("[REQ-EXP-001] exports the trial as CSV: the rows equal the API's records, the hashes the files", async () => {
    const done = await run(statistician, { format: 'csv' });
    expect(done.scope).toBeNull();
    expect(done.snapshotAt).toEqual(expect.any(String));
    const names = done.files.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['participants.csv', 'visits.csv']));
    for (const f of done.files) {
      const text = await download(statistician, done.id, f.name);
      expect(createHash('sha256').update(text, 'utf8').digest('hex')).toBe(f.sha256);
      expect(Buffer.byteLength(text)).toBe(f.bytes);
      if (f.name.endsWith('.csv')) {
        expect(parseCsv(text).length - 1).toBe(f.rows);
      }
    }
    const participants = records(await download(statistician, done.id, 'participants.csv'));
    const visits = records(await download(statistician, done.id, 'visits.csv'));
    expect(participants.map((p) => p.study_id)).toEqual(
      [...participants.map((p) => p.study_id)].sort(),
    );
    expect(participants.map((p) => p.study_id)).toContain(berStudyId);
    const dictionary = buildDictionary({ blinded: false });
    const codeOf = (name: string, value: string) =>
      String(
        dictionary.variables.find((v) => v.name === name)!.codes!.find((c) => c.value === value)!
          .code,
      );
    for (const { id, arm } of randomised) {
      const p = (await t.http().get(`/participants/${id}`).set(bearer(statistician)).expect(200))
        .body as Json;
      const a = (
        await t
          .http()
          .get(`/participants/${id}/randomization`)
          .set(bearer(statistician))
          .expect(200)
      ).body as Json;
      const row = participants.find((r) => r.study_id === p.studyId)!;
      expect(row).toBeDefined();
      expect(row.status).toBe(codeOf('status', p.status as string));
      expect(row.arm).toBe(codeOf('arm', arm));
      expect(row.site_code).toBe('NL-AMS');
      // CSV writes datetimes as 'YYYY-MM-DD HH:MM:SS' UTC (the format's convention).
      expect(row.randomised_at).toBe((a.randomisedAt as string).slice(0, 19).replace('T', ' '));
      const apiVisits = (
        await t
          .http()
          .get(`/follow-up/participants/${id}/visits`)
          .set(bearer(statistician))
          .expect(200)
      ).body as Json[];
      const exported = visits.filter((v) => v.study_id === p.studyId);
      expect(exported.map((v) => v.visit_code)).toEqual(apiVisits.map((v) => v.code));
      expect(exported.map((v) => v.vis_target)).toEqual(apiVisits.map((v) => v.targetDate));
    }
  }, 120_000);

  it('exports adverse events, their causality assessments and the transplant plan as the API shows them', async () => {
    const done = await run(statistician, { format: 'csv' });
    const file = async (name: string) => records(await download(statistician, done.id, name));
    const [participants, aes, assessments, phases] = await Promise.all([
      file('participants.csv'),
      file('adverse_events.csv'),
      file('ae_assessments.csv'),
      file('tx_phases.csv'),
    ]);
    const dictionary = buildDictionary({ blinded: false });
    const codeOf = (name: string, value: unknown) =>
      value === null
        ? ''
        : String(
            dictionary.variables
              .find((v) => v.name === name)!
              .codes!.find((c) => c.value === value)!.code,
          );
    const armA = randomised.find((r) => r.arm === 'A')!;
    for (const participantId of [armA.id, booked.participant]) {
      const studyId = (
        (await t.http().get(`/participants/${participantId}`).set(bearer(monitor)).expect(200))
          .body as Json
      ).studyId as string;
      const api = (
        (
          await t
            .http()
            .get('/follow-up/adverse-events')
            .query({ participantId, pageSize: 100 })
            .set(bearer(monitor))
            .expect(200)
        ).body as { items: Json[] }
      ).items.reverse(); // newest first in the API; recorded order in the export
      const rows = aes.filter((r) => r.study_id === studyId);
      expect(api.length).toBeGreaterThan(0);
      expect(rows.map((r) => r.ae_term)).toEqual(api.map((a) => a.term));
      expect(rows.map((r) => r.ae_onset)).toEqual(api.map((a) => a.onsetDate));
      expect(rows.map((r) => r.ae_severity)).toEqual(
        api.map((a) => codeOf('ae_severity', a.severity)),
      );
      expect(rows.map((r) => r.ae_serious)).toEqual(api.map((a) => (a.serious ? '1' : '0')));
      expect(rows.map((r) => r.ae_outcome)).toEqual(
        api.map((a) => codeOf('ae_outcome', a.outcome)),
      );
      const apiAssessments = api.flatMap((a, i) =>
        (a.assessments as Json[]).map((x, j) => ({
          ae_seq: String(i + 1),
          row_seq: String(j + 1),
          ae_intervention: codeOf('ae_intervention', x.intervention),
          ae_causality: codeOf('ae_causality', x.causality),
        })),
      );
      expect(
        assessments
          .filter((r) => r.study_id === studyId)
          .map(({ ae_seq, row_seq, ae_intervention, ae_causality }) => ({
            ae_seq,
            row_seq,
            ae_intervention,
            ae_causality,
          })),
      ).toEqual(apiAssessments);
    }
    expect(aes.map((r) => r.ae_term)).toContain('Febrile neutropenia');
    expect(assessments.length).toBeGreaterThan(0);
    // The transplant booking and its plan's phases.
    const bookings = (
      await t
        .http()
        .get(`/scheduling/participants/${booked.participant}/bookings`)
        .set(bearer(monitor))
        .expect(200)
    ).body as Json[];
    const booking =
      bookings.find((b) => ['booked', 'waitlisted', 'done'].includes(b.status as string)) ??
      bookings[0];
    const row = participants.find((r) => r.study_id === booking.studyId)!;
    expect(row).toMatchObject({
      tx_status: codeOf('tx_status', booking.status),
      tx_quarter: (booking.quarter as string | null) ?? '',
      tx_admission_planned: (booking.plannedAdmissionDate as string | null) ?? '',
      tx_day0: (booking.transplantDay0 as string | null) ?? '',
      tx_review_status: codeOf('tx_review_status', booking.reviewStatus),
    });
    const plan = booking.plan as { phases: Json[] } | null;
    expect(plan?.phases.length).toBeGreaterThan(0);
    expect(
      phases
        .filter((r) => r.study_id === booking.studyId)
        .map((r) => [r.txp_phase, r.txp_planned_start, r.txp_planned_end, r.txp_outcome]),
    ).toEqual(
      plan!.phases.map((p) => [
        codeOf('txp_phase', p.code),
        p.plannedStart,
        p.plannedEnd,
        codeOf('txp_outcome', p.outcome),
      ]),
    );
  }, 120_000);

  it('exports the follow-up outcome and NEDA-3 per endpoint week as the API computes them', async () => {
    const done = await run(statistician, { format: 'csv' });
    const participants = records(await download(statistician, done.id, 'participants.csv'));
    const endpoints = records(await download(statistician, done.id, 'endpoints.csv'));
    const dictionary = buildDictionary({ blinded: false });
    const codeOf = (name: string, value: string) =>
      String(
        dictionary.variables.find((v) => v.name === name)!.codes!.find((c) => c.value === value)!
          .code,
      );
    const bool = (v: unknown) => (v === true ? '1' : v === false ? '0' : '');
    let outcomes = 0;
    for (const { id } of randomised) {
      const p = (await t.http().get(`/participants/${id}`).set(bearer(statistician)).expect(200))
        .body as Json;
      const row = participants.find((r) => r.study_id === p.studyId)!;
      if (p.status === 'lost_to_follow_up') {
        outcomes++;
        expect(row.fu_outcome).toBe(codeOf('fu_outcome', 'lost_to_follow_up'));
        expect(row.fu_outcome_text).toBe('Moved abroad, per phone call');
      } else {
        expect(row.fu_outcome).toBe('');
      }
      const weeks = endpoints.filter((e) => e.study_id === p.studyId);
      expect(weeks.map((e) => e.neda_week)).toEqual(['96', '240']);
      for (const e of weeks) {
        const api = (
          await t
            .http()
            .get(`/follow-up/participants/${id}/neda`)
            .query({ week: e.neda_week })
            .set(bearer(statistician))
            .expect(200)
        ).body as Json & { details: Json & { relapseOnsets: string[]; missing: string[] } };
        expect(e.neda3).toBe(bool(api.neda));
        expect(e.neda_cutoff).toBe(api.details.cutoffDate);
        expect(e.relapse_n).toBe(String(api.details.relapseOnsets.length));
        for (const m of ['edss_baseline', 'edss_endpoint', 'mri_rebaseline', 'mri_endpoint']) {
          expect(e[`neda_missing_${codeOf('neda_missing', m)}`]).toBe(
            api.details.missing.includes(m) ? '1' : '0',
          );
        }
        expect(row[`neda3_w${e.neda_week}`]).toBe(bool(api.neda));
      }
    }
    expect(outcomes).toBe(1);
  }, 120_000);

  it("[REQ-EXP-002] the archival ODM keeps the audit rows about a participant's adverse events and transplant booking", async () => {
    const done = await run(statistician, { format: 'odm', archival: true });
    const xml = await download(statistician, done.id, done.files[0].name);
    const armA = randomised.find((r) => r.arm === 'A')!;
    const rows = (await t.dataSource.query(
      `SELECT seq, entity, entity_id AS "entityId" FROM audit_log
       WHERE entity_id IN (SELECT id::text FROM adverse_events WHERE participant_id = ANY($1::uuid[]))
          OR entity_id IN (SELECT id::text FROM transplant_bookings WHERE participant_id = $2)
       ORDER BY seq`,
      [[armA.id, booked.participant], booked.participant],
    )) as { seq: string; entity: string }[];
    const entities = new Set(rows.map((r) => r.entity));
    expect(entities).toContain('adverse_event');
    expect(entities).toContain('transplant_booking');
    for (const { seq } of rows) {
      expect(xml).toContain(`<AuditRecord ID="AR.${seq}">`);
    }
  }, 120_000);

  it.each(['csv', 'odm', 'dataset-json'])(
    'writes byte-identical %s files for the same data (same SHA-256)',
    async (format) => {
      const first = await run(statistician, { format });
      const second = await run(statistician, { format });
      expect(second.id).not.toBe(first.id);
      expect(first.files.length).toBeGreaterThan(0);
      expect(second.files).toEqual(first.files);
    },
    120_000,
  );

  it('[REQ-EXP-004] audits every export: who, what, scope, row counts and hashes', async () => {
    const done = await run(coordinator, { format: 'csv', datesAs: 'days' });
    const rows: Json[] = await t.dataSource.query(
      `SELECT actor_id, actor_role, after FROM audit_log WHERE action = 'export.completed' AND entity_id = $1`,
      [done.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_id: coordinator.id, actor_role: 'coordinator' });
    const after = rows[0].after as Json;
    expect(after).toMatchObject({
      format: 'csv',
      scope: [ams],
      options: { blinded: false, datesAs: 'days', archival: false },
    });
    expect(after.files).toEqual(
      done.files.map(({ name, rows: n, bytes, sha256 }) => ({ name, rows: n, bytes, sha256 })),
    );
  }, 120_000);

  it("[REQ-EXP-004] limits a site role to its own sites; another site's id is refused", async () => {
    const done = await run(coordinator, { format: 'csv' });
    expect(done.scope).toEqual([ams]);
    const participants = records(await download(coordinator, done.id, 'participants.csv'));
    expect(participants.length).toBe(randomised.length);
    expect(participants.every((p) => p.site_code === 'NL-AMS')).toBe(true);
    expect(participants.map((p) => p.study_id)).not.toContain(berStudyId);
    const res = await t
      .http()
      .post('/exports')
      .set(bearer(coordinator))
      .send({ format: 'csv', siteIds: [ber] })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'SITE_NOT_IN_SCOPE' });
  }, 120_000);

  it('[REQ-BLIND-003] gives a blinded role a blinded export: no arm-revealing variable, value or arm-A visit', async () => {
    const done = await run(blinded, { format: 'csv', blinded: false });
    expect(done.options).toMatchObject({ blinded: true });
    const revealing = buildDictionary({ blinded: false }).variables.filter((v) => v.revealsArm);
    const revealingNames = new Set(
      revealing.flatMap((v) => [v.name, ...(v.codes ?? []).map((c) => `${v.name}_${c.code}`)]),
    );
    const armA = randomised.find((r) => r.arm === 'A')!;
    const armAStudyId = (
      (await t.http().get(`/participants/${armA.id}`).set(bearer(statistician)).expect(200))
        .body as Json
    ).studyId as string;
    expect(done.files.map((f) => f.name)).not.toEqual(expect.arrayContaining(['tx_phases.csv']));
    expect(done.files.map((f) => f.name)).not.toContain('adverse_events.csv');
    let armARows = 0;
    for (const f of done.files) {
      const text = await download(blinded, done.id, f.name);
      // Every file (data and scripts): no arm-revealing variable by name, no arm-A visit.
      const named = [...revealingNames].filter((n) => new RegExp(`\\b${n}\\b`).test(text));
      expect(`${f.name}: ${named.join(', ')}`).toBe(`${f.name}: `);
      expect(text).not.toContain('A-D007');
      expect(text).not.toContain('Febrile neutropenia');
      if (!f.name.endsWith('.csv')) {
        continue;
      }
      const [header, ...rows] = parseCsv(text);
      expect(header.filter((h) => revealingNames.has(h))).toEqual([]);
      // The data (the scripts' code lists name prior treatments such as aHSCT: metadata).
      const data = rows.map((r) => r.join(',')).join('\n');
      for (const re of ARM_REVEALING_WORDS) {
        expect(`${f.name}: ${re.test(data) ? String(re) : ''}`).toBe(`${f.name}: `);
      }
      armARows += rows.filter((r) => r[0] === armAStudyId).length;
    }
    expect(armARows).toBeGreaterThan(0);
    // The arm-A participant's visits: every one but the arm-A weekly visits of the full list.
    const full = (
      await t
        .http()
        .get(`/follow-up/participants/${armA.id}/visits`)
        .set(bearer(statistician))
        .expect(200)
    ).body as Json[];
    const shown = full.filter((v) => v.kind !== 'arm_a_weekly');
    expect(shown.length).toBeLessThan(full.length);
    const visits = records(await download(blinded, done.id, 'visits.csv')).filter(
      (v) => v.study_id === armAStudyId,
    );
    expect(visits.map((v) => v.visit_code)).toEqual(shown.map((v) => v.code));
    // The registry's arm-revealing items are in the full dictionary only.
    expect(FIELD_ITEMS.filter((i) => i.revealsArm).length).toBeGreaterThan(0);
  }, 120_000);

  it.each(['odm', 'dataset-json'])(
    '[REQ-BLIND-003] a blinded %s export names no arm-revealing variable and holds no arm-A visit',
    async (format) => {
      const done = await run(blinded, { format });
      expect(done.options).toMatchObject({ blinded: true });
      const revealing = buildDictionary({ blinded: false }).variables.filter((v) => v.revealsArm);
      const full = await run(statistician, { format });
      const fullText = (
        await Promise.all(full.files.map((f) => download(statistician, full.id, f.name)))
      ).join('\n');
      // The full export does hold them (the scan below can fail).
      expect(fullText).toContain('A-D007');
      expect(fullText).toContain('Febrile neutropenia');
      for (const f of done.files) {
        const text = await download(blinded, done.id, f.name);
        expect(text).not.toContain('A-D007');
        expect(text).not.toContain('Febrile neutropenia');
        const named = revealing
          .map((v) => v.name)
          .filter((n) => new RegExp(`["'>/.]${n}["'<]`).test(text));
        expect(`${f.name}: ${named.join(', ')}`).toBe(`${f.name}: `);
      }
    },
    120_000,
  );

  it('lists your exports newest first, and refuses foreign exports and unlisted file names', async () => {
    const mine = await run(coordinator, { format: 'csv' });
    const list = (await t.http().get('/exports').set(bearer(coordinator)).expect(200)).body as {
      items: Export[];
      total: number;
    };
    expect(list.items[0].id).toBe(mine.id);
    expect(list.items.every((e) => e.requestedBy === coordinator.id)).toBe(true);
    const theirs = await run(statistician, { format: 'csv' });
    await t.http().get(`/exports/${theirs.id}`).set(bearer(coordinator)).expect(404);
    await t
      .http()
      .get(`/exports/${theirs.id}/files/participants.csv`)
      .set(bearer(coordinator))
      .expect(404);
    await t
      .http()
      .get(`/exports/${theirs.id}/files/participants.csv`)
      .set(bearer(blinded))
      .expect(404);
    // The statistician may download anyone's.
    await download(statistician, mine.id, 'participants.csv');
    for (const name of ['..%2F..%2Fetc%2Fpasswd', '%2E%2E', 'nothing.csv']) {
      await t.http().get(`/exports/${mine.id}/files/${name}`).set(bearer(coordinator)).expect(404);
    }
  }, 120_000);

  it('[REQ-INPUT-001][REQ-ACC-003] refuses bad input with 400, and the admin (no clinical data) with 403', async () => {
    const bad = async (body: Json) =>
      t.http().post('/exports').set(bearer(statistician)).send(body).expect(400);
    await bad({});
    await bad({ format: 'xlsx' });
    await bad({ format: 'csv', siteIds: ['not-a-uuid'] });
    await bad({ format: 'csv', siteIds: ['9f1c3a52-3c1e-4f5e-8a1b-2b7c6d5e4f3a'] });
    await bad({ format: 'csv', archival: true });
    await bad({ format: 'csv', datesAs: 'weeks' });
    await bad({ format: 'csv', blinded: 'yes' });
    await t.http().get('/exports/not-a-uuid').set(bearer(statistician)).expect(400);
    await t
      .http()
      .get('/exports/9f1c3a52-3c1e-4f5e-8a1b-2b7c6d5e4f3a')
      .set(bearer(statistician))
      .expect(404);
    await t.http().post('/exports').set(bearer(admin)).send({ format: 'csv' }).expect(403);
  });
});
