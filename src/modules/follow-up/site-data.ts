import { compareDates } from 'src/common/time/calendar-date';
import type { LogVisitDto } from './dto/visit-log.dto';
import type { SiteVisitData } from './entities/visit.entity';
import { notAfter } from './follow-up-records';
import { FollowUpErrors } from './follow-up.errors';

/** The site's data of a visit (relapse assessment, samples, questionnaires, notes) as stored, relapses with new ids. */
export function siteDataOf(
  dto: {
    relapseAssessment: LogVisitDto['relapseAssessment'];
    samples?: LogVisitDto['samples'];
    questionnaires?: LogVisitDto['questionnaires'];
    notes?: string | null;
  },
  newId: () => string,
): SiteVisitData {
  const data: SiteVisitData = {
    relapseAssessment: {
      newRelapse: dto.relapseAssessment.newRelapse,
      relapses: (dto.relapseAssessment.relapses ?? []).map((r) => ({
        id: newId(),
        onsetDate: r.onsetDate,
        steroidTreated: r.steroidTreated,
        ...(r.description ? { description: r.description } : {}),
      })),
    },
    samples: (dto.samples ?? []).map((s) => ({
      type: s.type,
      taken: s.taken,
      ...(s.note ? { note: s.note } : {}),
    })),
    questionnaires: (dto.questionnaires ?? []).map((q) => ({
      instrument: q.instrument,
      done: q.done,
    })),
  };
  if (dto.notes) {
    data.notes = dto.notes;
  }
  return data;
}

/** The visit date and relapse onsets against the site's today and each other. */
export function checkSiteData(
  dto: {
    visitDate: string;
    relapseAssessment: { newRelapse: boolean; relapses?: { onsetDate: string }[] };
  },
  today: string,
): void {
  notAfter(dto.visitDate, today, 'visitDate');
  const relapses = dto.relapseAssessment.relapses ?? [];
  if (!dto.relapseAssessment.newRelapse && relapses.length > 0) {
    throw FollowUpErrors.badInput(
      'relapseAssessment.relapses',
      'must be empty when newRelapse is false',
    );
  }
  relapses.forEach((r, i) => {
    if (compareDates(r.onsetDate, dto.visitDate) > 0) {
      throw FollowUpErrors.badInput(
        `relapseAssessment.relapses.${i}.onsetDate`,
        'must not be after the visit date',
      );
    }
  });
}
