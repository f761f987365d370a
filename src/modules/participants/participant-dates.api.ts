import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock/clock';
import type { DateFacts } from 'src/common/fields/date-rules';
import { DomainError, notFound } from 'src/common/errors/domain-error';
import { IdentityApi } from 'src/modules/identity/identity.api';
import { dateInZone } from 'src/common/time/calendar-date';

/**
 * The facts the date rules (src/common/fields/date-rules.ts) need about one participant, in one
 * place for every module that records a date of theirs: today and the randomisation date on the
 * site's calendar, and whether the participant was born by a date (the identity vault answers
 * yes or no; no birth date leaves the module and no human read is recorded).
 */
@Injectable()
export class ParticipantDates {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly identity: IdentityApi,
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
      bornBy: async (date) => {
        try {
          return await this.identity.bornOnOrBefore(participantId, date, em);
        } catch (error) {
          // No identity recorded (a record migrated without one): nothing to check against.
          if (error instanceof DomainError && error.code === 'IDENTITY_NOT_FOUND') {
            return true;
          }
          throw error;
        }
      },
    };
  }
}
