import { FollowUpSweepService } from 'src/modules/follow-up/follow-up-sweep.service';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { NotificationsService } from 'src/modules/notifications/notifications.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';
import { type LocalSmtp, startSmtp } from '../harness/smtp';

describe('follow-up: e-mail delivery through a real local SMTP server (e2e)', () => {
  let t: TestApp;
  let smtp: LocalSmtp;
  let staff: TestUser;
  let investigator: TestUser;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({
      now: '2026-05-20T10:00:00Z',
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: 'RAM-MS test <trial@ram-ms.test>',
      },
    });
    staff = await t.factory.user('site_staff', {
      sites: ['DK-CPH'],
      email: 'staff.cph@hospital.test',
    });
    investigator = await t.factory.user('investigator', {
      sites: ['DK-CPH'],
      email: 'pi.cph@hospital.test',
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function participant() {
    const p = await t.factory.participant('DK-CPH');
    await t.factory.allocation(p.id, 'B', '2026-03-28T23:30:00Z');
    await t.app.get(FollowUpService).generateSchedule(p.id);
    return p;
  }

  it('sends a sweep reminder to the site staff by SMTP, with the study id and dates and no names, once', async () => {
    const p = await participant();
    t.clock?.set('2026-05-24T10:00:00Z'); // W012 window opens 2026-06-07: first reminder
    await t.app.get(FollowUpSweepService).sweep(t.clock?.now());
    await t.drainJobs();
    await smtp.waitFor(2);
    const toStaff = smtp.messages.filter((m) => m.to.includes('staff.cph@hospital.test'));
    const reminder = toStaff.find((m) => m.subject.includes(`${p.studyId} W012`));
    expect(reminder).toBeDefined();
    expect(reminder?.from).toBe('trial@ram-ms.test');
    expect(reminder?.subject).toBe(`${p.studyId} W012: window opens 2026-06-07`);
    expect(reminder?.text).toContain('Target date 2026-06-21; window 2026-06-07 to 2026-07-05.');
    expect(reminder?.raw).toMatch(/^Message-ID: <[0-9a-f-]{36}@ram-ms\.notifications>/im);
    expect(reminder?.raw).not.toMatch(/Test (site_staff|investigator)/); // not even staff names

    // Stamped as sent; running the e-mail job again does not send it again.
    const [row] = await t.dataSource.query(
      `SELECT id, emailed_at FROM notifications WHERE user_id = $1 AND data->>'studyId' = $2 AND kind = 'follow-up.window_opens_14d'`,
      [staff.id, p.studyId],
    );
    expect(row.emailed_at).not.toBeNull();
    const before = smtp.messages.length;
    expect(await t.app.get(NotificationsService).sendEmail(row.id)).toBe('already_sent');
    await t.app.get(FollowUpSweepService).sweep(t.clock?.now());
    await t.drainJobs();
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.length).toBe(before);
  });

  it('e-mails the investigator about an SAE', async () => {
    const p = await participant();
    const [w012] = await t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND code = 'W012'`,
      [p.id],
    );
    t.clock?.set('2026-06-20T12:00:00Z');
    await t
      .http()
      .post(`/follow-up/visits/${w012.id}/log`)
      .set(bearer(staff))
      .send({
        visitDate: '2026-06-20',
        relapseAssessment: { newRelapse: false },
        adverseEvents: [
          {
            term: 'Sepsis',
            onsetDate: '2026-06-18',
            severity: 'severe',
            serious: true,
            seriousnessCriteria: ['hospitalisation', 'life_threatening'],
            outcome: 'recovering',
          },
        ],
      })
      .expect(200);
    const count = smtp.messages.length;
    await t.drainJobs();
    await smtp.waitFor(count + 1);
    const mail = smtp.messages.find(
      (m) => m.to.includes(investigator.email) && m.subject.startsWith('SAE:'),
    );
    expect(mail?.subject).toBe(`SAE: ${p.studyId} at DK-CPH, report due 2026-06-21T12:00:00.000Z`);
    expect(mail?.text).toContain('Report it to the sponsor within 24 hours');
    expect(mail?.text).not.toContain('Sepsis');
  });
});
