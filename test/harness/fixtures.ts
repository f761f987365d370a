import type { TestApp } from './app';
import { bearer } from './factory';
import { consentedParticipant, PATHWAY_NOW } from './pathway';

/**
 * One site's worth of records for tests that call every route: an arm-A participant randomised
 * through the real pathway, with its transplant booking and visit schedule (jobs drained), its
 * eligibility assessment, its baseline visit logged with an adverse event, and a staff user of
 * the site to act on. Needs an app on the PATHWAY_NOW clock with the worker, and the production
 * randomisation live.
 */
export type SiteFixture = {
  label: string;
  /** The trial (the FHIR ResearchStudy id). */
  trial: string;
  site: string;
  participant: string;
  /** The participant's study id (e.g. NL-AMS-0003). */
  studyId: string;
  assessment: string;
  visit: string;
  booking: string;
  ae: string;
  user: string;
};

export const FIXTURE_DAY = PATHWAY_NOW.slice(0, 10);
export const NO_RELAPSE = { newRelapse: false };
export const AN_ADVERSE_EVENT = {
  term: 'Headache',
  onsetDate: FIXTURE_DAY,
  severity: 'mild',
  serious: false,
  outcome: 'recovered',
};

export async function siteFixture(t: TestApp, label: string): Promise<SiteFixture> {
  const site = await t.factory.site(label);
  const coordinator = await t.factory.user('coordinator', { sites: [label] });
  const investigator = await t.factory.user('investigator', { sites: [label] });
  const staff = await t.factory.user('site_staff', { sites: [label] });
  let participant = '';
  for (let i = 0; i < 12 && !participant; i++) {
    const id = await consentedParticipant(t, { coordinator, investigator, siteId: site });
    const res = await t.http().post(`/participants/${id}/randomization`).set(bearer(investigator));
    if (res.status !== 201) {
      throw new Error(`randomise: ${res.status} ${JSON.stringify(res.body)}`);
    }
    if (res.body.arm === 'A') {
      participant = id;
    }
  }
  if (!participant) {
    throw new Error(`no arm-A allocation at ${label} in 12 tries`);
  }
  await t.drainJobs(30_000);
  const one = async (sql: string) =>
    ((await t.dataSource.query(sql, [participant])) as { id: string }[])[0]?.id;
  const visit = await one(
    `SELECT id FROM visits WHERE participant_id = $1 AND kind = 'scheduled' ORDER BY target_date LIMIT 1`,
  );
  const logged = await t
    .http()
    .post(`/follow-up/visits/${visit}/log`)
    .set(bearer(staff))
    .send({
      visitDate: FIXTURE_DAY,
      relapseAssessment: NO_RELAPSE,
      adverseEvents: [AN_ADVERSE_EVENT],
    });
  if (logged.status !== 200) {
    throw new Error(`log visit: ${logged.status} ${JSON.stringify(logged.body)}`);
  }
  const target = await t.factory.user('site_staff', { sites: [label] });
  const trial = (
    (await t.dataSource.query(`SELECT id FROM trials ORDER BY created_at LIMIT 1`)) as {
      id: string;
    }[]
  )[0]?.id;
  const f: SiteFixture = {
    label,
    trial,
    site,
    participant,
    studyId: (
      (await t.dataSource.query(`SELECT study_id FROM participants WHERE id = $1`, [
        participant,
      ])) as { study_id: string }[]
    )[0]?.study_id,
    visit,
    assessment: await one(
      `SELECT id FROM eligibility_assessments WHERE participant_id = $1 ORDER BY created_at LIMIT 1`,
    ),
    booking: await one(`SELECT id FROM transplant_bookings WHERE participant_id = $1 LIMIT 1`),
    ae: await one(`SELECT id FROM adverse_events WHERE participant_id = $1 LIMIT 1`),
    user: target.id,
  };
  for (const [k, v] of Object.entries(f)) {
    if (!v) {
      throw new Error(`fixture ${label}: no ${k}`);
    }
  }
  return f;
}

/** A data cut or lock request the fixture does not create (the routes answer 404). */
const NO_SUCH_RECORD = '00000000-0000-4000-8000-0000000c0a71';

/** A record that belongs to a user (a calendar subscription, an export), never the caller's. */
const ANOTHER_USERS_RECORD = '00000000-0000-4000-8000-00000000cafe';

/**
 * Fills a route's path parameters (`:name` as in Nest metadata, or `{name}` as in OpenAPI) with
 * the fixture's records; `environment` is the test randomisation environment.
 */
export function fixturePath(path: string, f: SiteFixture): string {
  return path.replace(/:(\w+)|\{(\w+)\}/g, (_, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b) as string;
    switch (name) {
      case 'participantId':
        return f.participant;
      case 'assessmentId':
        return f.assessment;
      case 'visitId':
        return f.visit;
      case 'bookingId':
        return f.booking;
      case 'siteId':
      case 'centreId':
        return f.site;
      case 'studyId':
        return f.studyId;
      case 'quarter':
        return '2027-Q1';
      case 'phase':
        return 'evaluation';
      case 'environment':
        return 'test';
      case 'formKey':
        return `visit-log:${f.visit}:1`;
      case 'id':
        if (path.startsWith('/participants/') || path.startsWith('/fhir/ResearchSubject/')) {
          return f.participant;
        }
        if (path.startsWith('/fhir/ResearchStudy/')) {
          return f.trial;
        }
        if (path.startsWith('/users/')) {
          return f.user;
        }
        if (path.startsWith('/sites/')) {
          return f.site;
        }
        if (path.startsWith('/follow-up/adverse-events/')) {
          return f.ae;
        }
        if (
          path.startsWith('/calendar-feeds/') ||
          path.startsWith('/exports/') ||
          path.startsWith('/queries/')
        ) {
          return ANOTHER_USERS_RECORD;
        }
        if (path.startsWith('/data-cuts/') || path.startsWith('/trial-lock/')) {
          return NO_SUCH_RECORD;
        }
        throw new Error(`no value for id in ${path}`);
      case 'secret':
        return 'a-well-formed-but-unknown-calendar-secret-0';
      case 'name':
        return 'participants.csv';
      default:
        throw new Error(`no value for ${name} in ${path}`);
    }
  });
}
