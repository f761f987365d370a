import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

/**
 * Data queries (issue 18): a monitor raises a query on one field of a record; the site answers and
 * corrects the value on its form (the correction links itself to the query); the monitor closes
 * or re-opens. Each step is audited; the site and the monitor are told; a blinded assessor sees
 * only queries on their assessments; the ageing report counts open queries per site.
 */

type Query = {
  id: string;
  status: string;
  studyId: string;
  record: { entity: string; id: string };
  item: { id: string; label: string; path: string };
  raisedBy: string | null;
  events: {
    kind: string;
    text: string | null;
    recordVersion: number | null;
    before: unknown;
    after: unknown;
    by: string | null;
  }[];
};

describe('[REQ-MON-001] data queries: raise, answer with a correction, close (e2e)', () => {
  let t: TestApp;
  let monitor: TestUser;
  let staff: TestUser;
  let coordinator: TestUser;
  let assessor: TestUser;
  let otherSite: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-07-10T10:00:00Z' });
    monitor = await t.factory.user('monitor', { email: 'mona.monitor@example.org' });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    otherSite = await t.factory.user('site_staff', { sites: ['NO-BER'] });
  });
  afterAll(() => t.close());

  async function loggedVisit(): Promise<{ visitId: string; participantId: string }> {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, 'B', '2026-03-28T23:30:00Z');
    await t.app.get(FollowUpService).generateSchedule(p.id);
    const [{ id }] = (await t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND code = 'W000'`,
      [p.id],
    )) as { id: string }[];
    await t
      .http()
      .post(`/follow-up/visits/${id}/log`)
      .set(bearer(staff))
      .send({
        visitDate: '2026-04-05',
        relapseAssessment: { newRelapse: false },
        samples: [
          { type: 'bloods', taken: false },
          { type: 'urine', taken: true },
        ],
        questionnaires: [{ instrument: 'msis29', done: true }],
      })
      .expect((r) => expect(r.body).toMatchObject({ visit: { id } }));
    return { visitId: id, participantId: p.id };
  }

  const inbox = async (u: TestUser) =>
    (await t.http().get('/notifications?pageSize=100').set(bearer(u)).expect(200)).body.items as {
      kind: string;
      data: Record<string, unknown>;
    }[];
  const audits = async (queryId: string) =>
    (
      (await t.dataSource.query(
        `SELECT action FROM audit_log WHERE entity = 'data_query' AND entity_id = $1 ORDER BY seq`,
        [queryId],
      )) as { action: string }[]
    ).map((r) => r.action);

  it('a query on a visit-log field, answered with a correction, closed: the value, the link and the audit rows', async () => {
    const { visitId, participantId } = await loggedVisit();
    const raised = await t
      .http()
      .post('/queries')
      .set(bearer(monitor))
      .send({
        recordEntity: 'visit_log',
        recordId: visitId,
        itemId: 'visit_log.sampleTaken',
        path: 'samples[bloods].taken',
        text: 'The lab report shows bloods were taken: please check.',
      })
      .expect(201);
    const query = raised.body as Query;
    expect(query).toMatchObject({
      status: 'open',
      record: { entity: 'visit_log', id: visitId },
      item: {
        id: 'visit_log.sampleTaken',
        label: expect.any(String),
        path: 'samples[bloods].taken',
      },
      raisedBy: expect.not.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(query.studyId).toMatch(/^NL-AMS-\d{4}$/);

    // The site sees it on its worklist (open queries of its sites) and in its inbox; another site does not.
    const open = await t.http().get('/queries?status=open').set(bearer(staff)).expect(200);
    expect(open.body.items.map((q: Query) => q.id)).toContain(query.id);
    const forVisit = await t
      .http()
      .get(`/queries?recordEntity=visit_log&recordId=${visitId}`)
      .set(bearer(staff))
      .expect(200);
    expect(forVisit.body.items).toHaveLength(1);
    expect(
      (await inbox(coordinator)).some(
        (n) => n.kind === 'queries.raised' && n.data.queryId === query.id,
      ),
    ).toBe(true);
    await t.http().get(`/queries/${query.id}`).set(bearer(otherSite)).expect(404);
    expect((await t.http().get('/queries').set(bearer(otherSite)).expect(200)).body.total).toBe(0);
    // The blinded assessor sees no query on the site's log.
    await t.http().get(`/queries/${query.id}`).set(bearer(assessor)).expect(404);

    // The site corrects the value on the form, with the reason: the correction links itself.
    const visit = (
      await t.http().get(`/follow-up/visits/${visitId}`).set(bearer(staff)).expect(200)
    ).body;
    await t
      .http()
      .patch(`/follow-up/visits/${visitId}/log`)
      .set(bearer(staff))
      .send({
        samples: { change: [{ type: 'bloods', taken: true }] },
        reason: 'transcription error: see lab report',
        expectedVersion: visit.visit.version,
      })
      .expect(200);
    const corrected = (
      await t.http().get(`/follow-up/visits/${visitId}`).set(bearer(staff)).expect(200)
    ).body;
    expect(corrected.visit.siteData.samples).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'bloods', taken: true })]),
    );
    // A correction of another field does not link to it.
    await t
      .http()
      .patch(`/follow-up/visits/${visitId}/log`)
      .set(bearer(staff))
      .send({ notes: 'patient fasting', reason: 'added note' })
      .expect(200);

    const answered = await t
      .http()
      .post(`/queries/${query.id}/answer`)
      .set(bearer(staff))
      .send({ text: 'Corrected: bloods were taken.' })
      .expect(200);
    expect(answered.body.status).toBe('answered');
    const links = (answered.body as Query).events.filter((e) => e.kind === 'corrected');
    expect(links).toEqual([
      expect.objectContaining({
        text: 'transcription error: see lab report',
        recordVersion: visit.visit.version + 1,
        before: { path: 'samples[bloods].taken', value: false },
        after: { path: 'samples[bloods].taken', value: true },
        by: expect.any(String),
      }),
    ]);
    expect(
      (await inbox(monitor)).some(
        (n) => n.kind === 'queries.answered' && n.data.queryId === query.id,
      ),
    ).toBe(true);

    // Only the monitor closes; an answered query cannot be answered again.
    await t.http().post(`/queries/${query.id}/close`).set(bearer(staff)).send({}).expect(403);
    await t
      .http()
      .post(`/queries/${query.id}/answer`)
      .set(bearer(staff))
      .send({ text: 'again' })
      .expect(409);
    const closed = await t
      .http()
      .post(`/queries/${query.id}/close`)
      .set(bearer(monitor))
      .send({ text: 'Thank you' })
      .expect(200);
    expect(closed.body.status).toBe('closed');
    expect((closed.body as Query).events.map((e) => e.kind)).toEqual([
      'raised',
      'corrected',
      'answered',
      'closed',
    ]);
    expect(await audits(query.id)).toEqual([
      'query.raised',
      'query.correction_linked',
      'query.answered',
      'query.closed',
    ]);
    // Re-opened with a reason, it is open again and the site is told again.
    const reopened = await t
      .http()
      .post(`/queries/${query.id}/reopen`)
      .set(bearer(monitor))
      .send({ text: 'Urine too?' })
      .expect(200);
    expect(reopened.body.status).toBe('open');
    expect((await audits(query.id)).at(-1)).toBe('query.reopened');

    // A participant's queries with every step in one list request: each as GET /queries/:id gives it.
    const second = (
      await t
        .http()
        .post('/queries')
        .set(bearer(monitor))
        .send({
          recordEntity: 'visit_log',
          recordId: visitId,
          itemId: 'visit_log.notes',
          text: 'Which note?',
        })
        .expect(201)
    ).body as Query;
    const withEvents = (
      await t
        .http()
        .get(`/queries?participantId=${participantId}&include=events`)
        .set(bearer(staff))
        .expect(200)
    ).body as { items: Query[]; total: number };
    expect(withEvents.total).toBe(2);
    expect(withEvents.items.map((q) => q.id).sort()).toEqual([query.id, second.id].sort());
    for (const q of withEvents.items) {
      const detail = await t.http().get(`/queries/${q.id}`).set(bearer(staff)).expect(200);
      expect(q).toEqual(detail.body);
    }
    const kinds = (id: string) =>
      withEvents.items.find((q) => q.id === id)!.events.map((e) => e.kind);
    expect(kinds(query.id)).toEqual(['raised', 'corrected', 'answered', 'closed', 'reopened']);
    expect(kinds(second.id)).toEqual(['raised']);
    // Paged as any list: the second page of one carries that query's steps only.
    const paged = (
      await t
        .http()
        .get(`/queries?participantId=${participantId}&include=events&pageSize=1&page=2`)
        .set(bearer(staff))
        .expect(200)
    ).body as { items: Query[]; total: number };
    expect(paged.total).toBe(2);
    const [, last] = withEvents.items;
    expect(paged.items.map((q) => [q.id, q.events.length])).toEqual([
      [last.id, last.events.length],
    ]);
    // Without include, no steps (as before).
    const plain = (
      await t.http().get(`/queries?participantId=${participantId}`).set(bearer(staff)).expect(200)
    ).body as { items: Record<string, unknown>[] };
    expect(plain.items.map((q) => 'events' in q)).toEqual([false, false]);
    // Another site's staff sees none of them, steps or not.
    const foreign = await t
      .http()
      .get(`/queries?participantId=${participantId}&include=events`)
      .set(bearer(otherSite))
      .expect(200);
    expect(foreign.body).toMatchObject({ items: [], total: 0 });
  });

  it('a blinded assessor sees and answers only queries on their assessments', async () => {
    const { visitId, participantId } = await loggedVisit();
    await t
      .http()
      .post(`/follow-up/visits/${visitId}/assessment`)
      .set(bearer(assessor))
      .send({ edss: { score: 3.5, rater: 'NS-1234', assessedOn: '2026-04-05' } })
      .expect(200);
    const q = (
      await t
        .http()
        .post('/queries')
        .set(bearer(monitor))
        .send({
          recordEntity: 'visit_assessment',
          recordId: visitId,
          itemId: 'assessment.edss',
          text: 'EDSS 3.5 or 3.0?',
        })
        .expect(201)
    ).body as Query;
    expect(q.item.path).toBe('edss.score');
    const seen = (await t.http().get('/queries').set(bearer(assessor)).expect(200)).body
      .items as Query[];
    expect(seen.map((x) => x.record.entity)).toEqual(seen.map(() => 'visit_assessment'));
    expect(seen.map((x) => x.id)).toContain(q.id);
    // With the steps, the scope is the same: only the assessment's query on this participant,
    // not the one on the site's log of the same visit.
    const onLog = (
      await t
        .http()
        .post('/queries')
        .set(bearer(monitor))
        .send({
          recordEntity: 'visit_log',
          recordId: visitId,
          itemId: 'visit_log.notes',
          text: 'Notes?',
        })
        .expect(201)
    ).body as Query;
    const forMonitor = (
      await t
        .http()
        .get(`/queries?participantId=${participantId}&include=events`)
        .set(bearer(monitor))
        .expect(200)
    ).body as { items: Query[] };
    expect(forMonitor.items.map((x) => x.id).sort()).toEqual([q.id, onLog.id].sort());
    const forAssessor = (
      await t
        .http()
        .get(`/queries?participantId=${participantId}&include=events`)
        .set(bearer(assessor))
        .expect(200)
    ).body as { items: Query[]; total: number };
    expect(forAssessor.total).toBe(1);
    expect(
      forAssessor.items.map((x) => [x.id, x.record.entity, x.events.map((e) => e.kind)]),
    ).toEqual([[q.id, 'visit_assessment', ['raised']]]);
    const assessorOnLog = (
      await t
        .http()
        .get(`/queries?recordEntity=visit_log&recordId=${visitId}&include=events`)
        .set(bearer(assessor))
        .expect(200)
    ).body as { total: number };
    expect(assessorOnLog.total).toBe(0);
    expect(
      (await inbox(assessor)).some((n) => n.kind === 'queries.raised' && n.data.queryId === q.id),
    ).toBe(true);
    // Site staff who hold no blinded role are not told of an assessor's query.
    expect((await inbox(coordinator)).some((n) => n.data.queryId === q.id)).toBe(false);
    await t
      .http()
      .post(`/queries/${q.id}/answer`)
      .set(bearer(assessor))
      .send({ text: 'EDSS 3.5 confirmed' })
      .expect(200);
  });

  it('refuses bad targets with a clear 4xx and changes nothing', async () => {
    const { visitId } = await loggedVisit();
    const before = Number(
      (await t.dataSource.query(`SELECT count(*) AS n FROM data_queries`))[0].n,
    );
    const send = (body: Record<string, unknown>) =>
      t
        .http()
        .post('/queries')
        .set(bearer(monitor))
        .send({ text: 'check', ...body });
    await send({ recordEntity: 'visit_log', recordId: visitId, itemId: 'assessment.edss' }).expect(
      400,
    );
    await send({ recordEntity: 'visit_log', recordId: visitId, itemId: 'nope' }).expect(400);
    await send({
      recordEntity: 'visit_log',
      recordId: visitId,
      itemId: 'visit_log.sampleTaken',
      path: 'samples[bloods].note',
    }).expect(400);
    await send({
      recordEntity: 'participants',
      recordId: visitId,
      itemId: 'visit_log.notes',
    }).expect(400);
    await send({
      recordEntity: 'visit_log',
      recordId: 'not-a-uuid',
      itemId: 'visit_log.notes',
    }).expect(400);
    await send({
      recordEntity: 'visit_log',
      recordId: '00000000-0000-4000-8000-000000000000',
      itemId: 'visit_log.notes',
    }).expect(404);
    await t
      .http()
      .post('/queries')
      .set(bearer(staff))
      .send({ recordEntity: 'visit_log', recordId: visitId, itemId: 'visit_log.notes', text: 'x' })
      .expect(403);
    await t.http().get('/queries?status=nope').set(bearer(monitor)).expect(400);
    for (const include of ['nonsense', 'events,nonsense', 'EVENTS', '']) {
      const bad = await t
        .http()
        .get(`/queries?include=${include}`)
        .set(bearer(monitor))
        .expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'include' })]);
    }
    await t.http().get('/queries?include=events&include=events').set(bearer(monitor)).expect(400);
    await t.http().get('/queries/not-a-uuid').set(bearer(monitor)).expect(400);
    const after = Number((await t.dataSource.query(`SELECT count(*) AS n FROM data_queries`))[0].n);
    expect(after).toBe(before);
  });

  it('the ageing report counts per site the queries open longer than QUERY_AGEING_DAYS', async () => {
    const { visitId } = await loggedVisit();
    const q = (
      await t
        .http()
        .post('/queries')
        .set(bearer(monitor))
        .send({
          recordEntity: 'visit_log',
          recordId: visitId,
          itemId: 'visit_log.notes',
          text: 'Notes missing?',
        })
        .expect(201)
    ).body as Query;
    const report = async () =>
      (await t.http().get('/queries/ageing').set(bearer(monitor)).expect(200)).body as {
        thresholdDays: number;
        sites: {
          siteLabel: string;
          open: number;
          overdue: number;
          oldestOpenDays: number | null;
        }[];
      };
    const first = await report();
    expect(first.thresholdDays).toBe(14);
    const ams = () => first.sites.find((s) => s.siteLabel === 'NL-AMS')!;
    expect(ams().open).toBeGreaterThanOrEqual(1);
    const overdueBefore = ams().overdue;
    await t.dataSource.query(
      `UPDATE data_queries SET raised_at = raised_at - interval '20 days' WHERE id = $1`,
      [q.id],
    );
    const later = (await report()).sites.find((s) => s.siteLabel === 'NL-AMS')!;
    expect(later.overdue).toBe(overdueBefore + 1);
    expect(later.oldestOpenDays).toBeGreaterThanOrEqual(20);
    // A site's coordinator sees only their site's row.
    const own = (await t.http().get('/queries/ageing').set(bearer(coordinator)).expect(200)).body
      .sites as { siteLabel: string }[];
    expect(own.map((s) => s.siteLabel)).toEqual(['NL-AMS']);
  });
});
