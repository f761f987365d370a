import { assertPlausibleDates, type DateFacts } from 'src/common/fields/date-rules';
import type { LogVisitDto } from './dto/visit-log.dto';
import type { SiteVisitData } from './entities/visit.entity';
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

/**
 * The visit date and relapse onsets by the registry's date rules (not after today on the site's
 * calendar, the visit not before randomisation, nothing before birth; an onset not after the
 * visit), and the relapse list against its flag.
 */
export async function checkSiteData(
  dto: {
    visitDate: string;
    relapseAssessment: { newRelapse: boolean; relapses?: { onsetDate: string }[] };
  },
  facts: DateFacts,
): Promise<void> {
  const relapses = dto.relapseAssessment.relapses ?? [];
  if (!dto.relapseAssessment.newRelapse && relapses.length > 0) {
    throw FollowUpErrors.badInput(
      'relapseAssessment.relapses',
      'must be empty when newRelapse is false',
    );
  }
  const visit = { item: 'visit.visitDate', path: 'visitDate', value: dto.visitDate };
  const onsets = relapses.map((r, i) => ({
    item: 'visit_log.relapseOnsetDate',
    path: `relapseAssessment.relapses.${i}.onsetDate`,
    value: r.onsetDate,
  }));
  await assertPlausibleDates(
    [visit, ...onsets],
    facts,
    onsets.map((onset) => ({ earlier: onset, later: visit, at: 'earlier' as const })),
  );
}
