import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

/**
 * The audit trail in words (issue 18): each row names its actor and its participant (study id),
 * lists its changed fields with the registry's labels and says it in one line; a filter by study
 * id finds every row of the participant and its records (and nothing of another); a participant's
 * history downloads as CSV (monitor); an admin still gets no clinical values.
 */

const RANDOMISED = '2026-03-28T23:30:00Z';

type Change = { field: string; label: string; before: unknown; after: unknown };
type Row = {
  seq: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  studyId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  redacted: boolean;
  changes: Change[];
  summary: string;
};

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      records.push(row);
      row = [];
      cell = '';
    } else {
      cell += ch;
    }
  }
  expect(cell === '' && row.length === 0).toBe(true); // ends with a line end
  return records;
}

describe('the audit trail in words: names, study ids, changes, filter by participant, history CSV (e2e)', () => {
  let t: TestApp;
  let staff: TestUser;
  let assessor: TestUser;
  let monitor: TestUser;
  let admin: TestUser;
  let p: { id: string; studyId: string };
  let other: { id: string; studyId: string };
  let visitId: string;
  let otherVisitId: string;

  const visitOf = async (participantId: string): Promise<string> =>
    (
      (await t.dataSource.query(
        `SELECT id FROM visits WHERE participant_id = $1 AND code = 'W000'`,
        [participantId],
      )) as { id: string }[]
    )[0].id;

  /** A new arm-B participant with W000 logged (with one adverse event) by the site staff. */
  async function loggedVisit(): Promise<{ id: string; studyId: string; visitId: string }> {
    const participant = await t.factory.participant('NL-AMS');
    await t.factory.allocation(participant.id, 'B', RANDOMISED);
    await t.app.get(FollowUpService).generateSchedule(participant.id);
    const id = await visitOf(participant.id);
    await t
      .http()
      .post(`/follow-up/visits/${id}/log`)
      .set(bearer(staff))
      .send({
        visitDate: '2026-04-05',
        relapseAssessment: { newRelapse: false },
        samples: [{ type: 'bloods', taken: true }],
        notes: 'Seen by the study nurse',
        adverseEvents: [
          {
            term: 'Headache',
            onsetDate: '2026-04-02',
            severity: 'mild',
            serious: false,
            outcome: 'recovered',
          },
        ],
      })
      .expect(200);
    return { id: participant.id, studyId: participant.studyId, visitId: id };
  }

  const visit = async (id: string, as: TestUser) =>
    (await t.http().get(`/follow-up/visits/${id}`).set(bearer(as)).expect(200)).body as {
      visit: { version: number };
    };

  const trail = async (as: TestUser, query: Record<string, string | number>) =>
    (await t.http().get('/audit').query(query).set(bearer(as)).expect(200)).body as {
      items: Row[];
      total: number;
    };

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-07-10T10:00:00Z' });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    monitor = await t.factory.user('monitor', { trialWide: true });
    admin = await t.factory.user('admin', { trialWide: true });
    await t.dataSource.query(`UPDATE users SET display_name = 'Anna Jansen' WHERE id = $1`, [
      staff.id,
    ]);
    await t.dataSource.query(`UPDATE users SET display_name = 'Bram de Vries' WHERE id = $1`, [
      assessor.id,
    ]);

    const logged = await loggedVisit();
    p = { id: logged.id, studyId: logged.studyId };
    visitId = logged.visitId;
    const o = await loggedVisit();
    other = { id: o.id, studyId: o.studyId };
    otherVisitId = o.visitId;

    // The site corrects the visit log; the assessor records the EDSS, then corrects it.
    await t
      .http()
      .patch(`/follow-up/visits/${visitId}/log`)
      .set(bearer(staff))
      .send({
        samples: { change: [{ type: 'bloods', taken: false }] },
        reason: 'transcription error',
        expectedVersion: (await visit(visitId, staff)).visit.version,
      })
      .expect(200);
    await t
      .http()
      .post(`/follow-up/visits/${visitId}/assessment`)
      .set(bearer(assessor))
      .send({ edss: { score: 3, rater: 'NS-1234', assessedOn: '2026-04-05' } })
      .expect(200);
    await t
      .http()
      .patch(`/follow-up/visits/${visitId}/assessment`)
      .set(bearer(assessor))
      .send({
        edss: { score: 3.5 },
        reason: 'transcription error',
        expectedVersion: (await visit(visitId, assessor)).visit.version,
      })
      .expect(200);
  });
  afterAll(() => t.close());

  it("[REQ-MON-006] a filter by study id finds exactly the rows of the participant and its records, each with the actor's name and the study id", async () => {
    const { items, total } = await trail(monitor, { studyId: p.studyId, pageSize: 200 });

    // Exactly the rows whose entity id is the participant's or one of its records' (visits, AEs).
    const expected = (await t.dataSource.query(
      `SELECT seq::text AS s FROM audit_log WHERE entity_id IN (
         SELECT $1::text UNION SELECT id::text FROM visits WHERE participant_id = $1::uuid
         UNION SELECT id::text FROM adverse_events WHERE participant_id = $1::uuid)
       ORDER BY seq DESC`,
      [p.id],
    )) as { s: string }[];
    expect(items.map((r) => r.seq)).toEqual(expected.map((r) => r.s));
    expect(total).toBe(expected.length);
    // Rows about the participant itself and about its records.
    expect(new Set(items.map((r) => r.entity))).toEqual(
      new Set(['participant', 'visit', 'adverse_event']),
    );
    expect(items.map((r) => r.entityId)).not.toContain(otherVisitId);
    expect(items.every((r) => r.studyId === p.studyId)).toBe(true);

    const correction = items.find((r) => r.action === 'follow-up.visit_corrected');
    expect(correction).toMatchObject({
      entityId: visitId,
      actorId: staff.id,
      actorName: 'Anna Jansen',
      reason: 'transcription error',
      // before/after stay in the response.
      before: { 'samples[bloods].taken': true },
      after: { 'samples[bloods].taken': false },
      changes: [
        {
          field: 'samples[bloods].taken',
          label: 'Sample taken [bloods]',
          before: true,
          after: false,
        },
      ],
    });
    expect(correction?.summary).toBe(
      'Sample taken [bloods] yes → no, reason: transcription error, by Anna Jansen',
    );

    const edss = items.find((r) => r.action === 'follow-up.assessment_corrected');
    expect(edss).toMatchObject({
      actorName: 'Bram de Vries',
      changes: [{ field: 'edss.score', label: 'EDSS score', before: 3, after: 3.5 }],
      summary: 'EDSS score 3.0 → 3.5, reason: transcription error, by Bram de Vries',
    });
    // No row shows a bare uuid where a name belongs (a job's rows have no actor).
    for (const r of items) {
      expect({ seq: r.seq, named: r.actorId === null || !!r.actorName }).toEqual({
        seq: r.seq,
        named: true,
      });
      expect(r.summary).not.toContain(r.actorId ?? 'no actor');
    }

    // The other participant's rows are its own.
    const theirs = await trail(monitor, { studyId: other.studyId, pageSize: 200 });
    expect(theirs.items.length).toBeGreaterThan(0);
    expect(theirs.items.every((r) => r.studyId === other.studyId)).toBe(true);
    expect(theirs.items.map((r) => r.entityId)).toContain(otherVisitId);
    expect(theirs.items.map((r) => r.entityId)).not.toContain(visitId);

    // Unfiltered, the rows carry their participant's study id too.
    const all = await trail(monitor, { pageSize: 200 });
    expect(all.items.find((r) => r.seq === correction?.seq)?.studyId).toBe(p.studyId);
  });

  it('an unknown study id finds nothing (200); a malformed one is a 400', async () => {
    expect(await trail(monitor, { studyId: 'NL-AMS-9999' })).toMatchObject({
      items: [],
      total: 0,
    });
    for (const bad of ['nl-ams-0001', 'NL-AMS-1', "NL-AMS-0001' OR 1=1", 'x'.repeat(300)]) {
      const res = await t.http().get('/audit').query({ studyId: bad }).set(bearer(monitor));
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
  });

  it('an admin gets the same rows by study id, with names but no clinical values, reasons or changes', async () => {
    const { items } = await trail(admin, { studyId: p.studyId, pageSize: 200 });
    const monitors = await trail(monitor, { studyId: p.studyId, pageSize: 200 });
    expect(items.map((r) => r.seq)).toEqual(monitors.items.map((r) => r.seq));
    for (const r of items) {
      expect(r).toMatchObject({
        redacted: true,
        before: null,
        after: null,
        reason: null,
        changes: [],
      });
      expect(r.summary).not.toMatch(/transcription|3\.5|Sample taken|EDSS/);
    }
    const correction = items.find((r) => r.action === 'follow-up.visit_corrected');
    expect(correction).toMatchObject({ actorName: 'Anna Jansen', studyId: p.studyId });
    expect(correction?.summary).toBe('follow-up.visit_corrected, by Anna Jansen');
  });

  it("[REQ-MON-006] the participant's history downloads as CSV for the monitor, oldest first, one line per changed field; the download is audited", async () => {
    const rows = (await trail(monitor, { studyId: p.studyId, pageSize: 200 })).items;
    const res = await t
      .http()
      .get(`/audit/participants/${p.studyId}/history.csv`)
      .set(bearer(monitor))
      .buffer(true)
      .parse((r, done) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => done(null, body));
      })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${p.studyId}-history.csv"`,
    );
    const [header, ...lines] = parseCsv(res.body as string);
    expect(header).toEqual([
      'seq',
      'time',
      'actor_name',
      'role',
      'action',
      'record',
      'field',
      'before',
      'after',
      'reason',
    ]);
    const seqs = lines.map((l) => Number(l[0]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect([...new Set(seqs)]).toEqual(rows.map((r) => Number(r.seq)).reverse());
    expect(lines).toContainEqual([
      expect.any(String),
      expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      'Bram de Vries',
      'blinded_assessor',
      'follow-up.assessment_corrected',
      `visit ${visitId}`,
      'EDSS score',
      '3.0',
      '3.5',
      'transcription error',
    ]);
    expect(lines).toContainEqual([
      expect.any(String),
      expect.any(String),
      'Anna Jansen',
      'site_staff',
      'follow-up.visit_corrected',
      `visit ${visitId}`,
      'Sample taken [bloods]',
      'yes',
      'no',
      'transcription error',
    ]);
    expect(lines.some((l) => l[5].includes(otherVisitId))).toBe(false);

    // The download is an export: audited on the participant, and in its trail from then on.
    const [exported] = (await trail(monitor, { studyId: p.studyId, pageSize: 1 })).items;
    expect(exported).toMatchObject({
      action: 'audit.history_exported',
      entity: 'participant',
      entityId: p.id,
      actorId: monitor.id,
      studyId: p.studyId,
      after: { studyId: p.studyId, rows: rows.length, format: 'csv' },
    });
  });

  it('the history CSV: only the monitor; a malformed study id is a 400, an unknown one a 404', async () => {
    await t
      .http()
      .get(`/audit/participants/${p.studyId}/history.csv`)
      .set(bearer(admin))
      .expect(403);
    await t
      .http()
      .get(`/audit/participants/not-a-study-id/history.csv`)
      .set(bearer(monitor))
      .expect(400);
    await t
      .http()
      .get(`/audit/participants/NL-AMS-9999/history.csv`)
      .set(bearer(monitor))
      .expect(404);
  });
});
