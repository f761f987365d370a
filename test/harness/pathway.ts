import { randomBytes } from 'node:crypto';
import type { ScreeningData } from 'src/modules/eligibility/engine';
import { ramMsEligibleRecord } from 'src/modules/eligibility/engine/testing/screening.builders';
import type { TestApp } from './app';
import { bearer, TEST_PASSWORD, TestUser } from './factory';

/** The engine builders' records are eligible on this date (ASSESSMENT_DATE of the builders). */
export const PATHWAY_NOW = '2026-03-01T10:00:00Z';
const STEPS = [
  'phone_check_done',
  'records_reviewed',
  'screening_visit_planned',
  'screening_visit_done',
];

/**
 * Drives one candidate through the real API, as a coordinator and an investigator of the site
 * would: registration, pathway steps, screening data, assessment, signature and consent.
 * Returns the participant id; the participant is `consented` and ready to randomise.
 */
export async function consentedParticipant(
  t: TestApp,
  staff: { coordinator: TestUser; investigator: TestUser; siteId: string },
  record: ScreeningData = ramMsEligibleRecord(),
): Promise<string> {
  const { id, assessmentId } = await assessedParticipant(t, staff, record);
  const as = (u: TestUser) => bearer(u);
  const s = await t
    .http()
    .post(`/participants/${id}/assessments/${assessmentId}/sign`)
    .set(as(staff.investigator))
    .send({ password: TEST_PASSWORD, meaning: 'I confirm this eligibility decision' });
  if (s.status !== 200) {
    throw new Error(`sign: ${s.status} ${JSON.stringify(s.body)}`);
  }
  const c = await t
    .http()
    .post(`/participants/${id}/consent`)
    .set(as(staff.coordinator))
    .send({ version: '3.0', date: '2026-03-01' });
  if (c.status !== 200) {
    throw new Error(`consent: ${c.status} ${JSON.stringify(c.body)}`);
  }
  return id;
}

/**
 * A candidate registered, walked to the screening visit, its screening data entered and assessed
 * by the coordinator: the eligible assessment waits for the investigator's signature.
 */
export async function assessedParticipant(
  t: TestApp,
  staff: { coordinator: TestUser; siteId: string },
  record: ScreeningData = ramMsEligibleRecord(),
): Promise<{ id: string; assessmentId: string }> {
  const { birthDate, consent: _c, ...data } = record;
  const as = (u: TestUser) => bearer(u);
  const reg = await t
    .http()
    .post('/participants')
    .set(as(staff.coordinator))
    .send({
      siteId: staff.siteId,
      identity: {
        // A distinct person each time: the same name and birth date twice is a likely duplicate.
        givenName: `Test${randomBytes(4).toString('hex')}`,
        familyName: 'Participant',
        birthDate: birthDate ?? '1990-05-10',
      },
    });
  if (reg.status !== 201) {
    throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
  }
  const id = reg.body.id as string;
  for (const to of STEPS) {
    const r = await t
      .http()
      .post(`/participants/${id}/transitions`)
      .set(as(staff.coordinator))
      .send({ to });
    if (r.status !== 200) {
      throw new Error(`transition ${to}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  const screening = await t
    .http()
    .patch(`/participants/${id}/screening`)
    .set(as(staff.coordinator))
    .send(data);
  if (screening.status !== 200) {
    throw new Error(`screening: ${screening.status} ${JSON.stringify(screening.body)}`);
  }
  const a = await t
    .http()
    .post(`/participants/${id}/assessments`)
    .set(as(staff.coordinator))
    .send({});
  if (a.status !== 201 || a.body.result !== 'eligible') {
    throw new Error(`assessment: ${a.status} ${JSON.stringify(a.body)}`);
  }
  return { id, assessmentId: a.body.id as string };
}

/** Runs `work` for 0…n-1 with at most `concurrency` at once. */
export async function pool<T>(
  n: number,
  concurrency: number,
  work: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}
