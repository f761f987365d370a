import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock/clock';
import type { DateFacts } from 'src/common/fields/date-rules';
import { notFound } from 'src/common/errors/domain-error';
import { dateInZone } from 'src/common/time/calendar-date';

/**
 * The facts the date rules (src/common/fields/date-rules.ts) need about one participant, in one
 * place for every module that records a date of theirs: today and the randomisation date on the
 * site's calendar.
 */
@Injectable()
export class ParticipantDates {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async facts(participantId: string, em: EntityManager = this.db.manager): Promise<DateFacts> {
    const rows: { timeZone: string; randomisedAt: Date | null }[] = await em.query(
      `SELECT s.time_zone AS "timeZone", a.randomised_at AS "randomisedAt"
       FROM participant_directory p
       JOIN site_directory s ON s.id = p.site_id
       LEFT JOIN allocation_directory a ON a.participant_id = p.id
       WHERE p.id = $1`,
      [participantId],
    );
    const row = rows[0];
    if (!row) {
      throw notFound('PARTICIPANT_NOT_FOUND', 'participant');
    }
    return {
      today: dateInZone(this.clock.now(), row.timeZone),
      randomisedOn: row.randomisedAt ? dateInZone(row.randomisedAt, row.timeZone) : null,
    };
  }
}
