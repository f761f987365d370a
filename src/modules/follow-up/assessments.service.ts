import { validationFailed } from 'src/common/errors/domain-error';
import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import {
  applyPatch,
  auditOf,
  diffRecord,
  type FieldChange,
  type JsonRecord,
} from 'src/common/corrections/corrections';
import type { Actor } from 'src/common/context/request-context';
import { RandomSource } from 'src/common/random/random-source';
import { addDays, compareDates } from 'src/common/time/calendar-date';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { assertPlausibleDates, type EnteredDate } from 'src/common/fields/date-rules';
import { ParticipantDates } from 'src/modules/participants/participant-dates.api';
import type { CorrectAssessmentDto, RecordAssessmentDto } from './dto/assessment.dto';
import type { VisitEntity } from './entities/visit.entity';
import { FollowUpRecords, patchOf, readScope, VISIT_ASSESSMENT } from './follow-up-records';
import { FollowUpErrors } from './follow-up.errors';
import { type AssessorWorkItem, VisitsRepository } from './visits.repository';
import { FollowUpSettings } from './follow-up.settings';

/** The blinded assessment of a visit as one correctable record. */
export type AssessmentRecord = {
  edss?: { score: number; rater: string | null; assessedOn: string };
  mri?: {
    examDate: string;
    gdLesions: number;
    newOrEnlargingT2: number;
    comparedWith: string | null;
  };
};

export function assessmentRecord(v: VisitEntity): AssessmentRecord {
  return {
    ...(v.edssScore !== null && v.edssDate !== null
      ? { edss: { score: v.edssScore, rater: v.edssRater, assessedOn: v.edssDate } }
      : {}),
    ...(v.mriDate !== null
      ? {
          mri: {
            examDate: v.mriDate,
            gdLesions: v.mriGdLesions ?? 0,
            newOrEnlargingT2: v.mriNewT2Lesions ?? 0,
            comparedWith: v.mriComparedWith,
          },
        }
      : {}),
  };
}

/** The exam dates of an assessment, for the registry's date rules. */
function examDates(
  edss: { assessedOn: string } | null | undefined,
  mri: { examDate: string; comparedWith?: string | null } | null | undefined,
): EnteredDate[] {
  return [
    ...(edss
      ? [{ item: 'assessment.edssDate', path: 'edss.assessedOn', value: edss.assessedOn }]
      : []),
    ...(mri
      ? [
          { item: 'assessment.mriDate', path: 'mri.examDate', value: mri.examDate },
          { item: 'assessment.mriComparedWith', path: 'mri.comparedWith', value: mri.comparedWith },
        ]
      : []),
  ];
}

function checkMri(mri: {
  examDate: string;
  gdLesions: number;
  newOrEnlargingT2: number;
  comparedWith: string;
}): { date: string; gdLesions: number; newOrEnlargingT2: number; comparedWith: string } {
  if (compareDates(mri.comparedWith, mri.examDate) >= 0) {
    throw FollowUpErrors.badInput('mri.comparedWith', 'must be an exam before examDate');
  }
  return {
    date: mri.examDate,
    gdLesions: mri.gdLesions,
    newOrEnlargingT2: mri.newOrEnlargingT2,
    comparedWith: mri.comparedWith,
  };
}

/** The blinded assessor's EDSS and MRI reads of a visit, and their corrections with reasons. */
@Injectable()
export class AssessmentsService {
  constructor(
    private readonly visits: VisitsRepository,
    private readonly records: FollowUpRecords,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly dates: ParticipantDates,
    private readonly settings: FollowUpSettings,
  ) {}

  async recordAssessment(id: string, dto: RecordAssessmentDto, actor: Actor): Promise<VisitEntity> {
    if (!dto.edss && !dto.mri) {
      throw FollowUpErrors.nothingToRecord();
    }
    await this.tx.run(async (uow) => {
      const visit = await this.records.lockVisit(uow, id, actor);
      if (visit.status === 'cancelled') {
        throw FollowUpErrors.visitCancelled();
      }
      await assertPlausibleDates(
        examDates(dto.edss, dto.mri),
        await this.dates.facts(visit.participantId, uow.em),
      );
      const now = this.clock.now();
      if (dto.edss) {
        if (visit.edssScore !== null) {
          throw FollowUpErrors.assessmentExists('edss');
        }
        const edss = { score: dto.edss.score, date: dto.edss.assessedOn, rater: dto.edss.rater };
        await this.visits.setEdss(visit.id, edss, actor.id, now, uow.em);
        uow.audit({
          action: 'follow-up.edss_recorded',
          entity: 'visit',
          entityId: visit.id,
          before: null,
          after: edss,
        });
      }
      if (dto.mri) {
        if (visit.mriDate !== null) {
          throw FollowUpErrors.assessmentExists('mri');
        }
        const mri = checkMri(dto.mri);
        await this.visits.setMri(visit.id, mri, actor.id, now, uow.em);
        uow.audit({
          action: 'follow-up.mri_recorded',
          entity: 'visit',
          entityId: visit.id,
          before: null,
          after: mri,
        });
      }
      const recorded = await this.visits.findVisit(visit.id, readScope(actor), uow.em);
      if (recorded) {
        const previous = assessmentRecord(visit);
        const data = assessmentRecord(recorded);
        uow.version({
          entity: VISIT_ASSESSMENT,
          entityId: visit.id,
          participantId: visit.participantId,
          version: recorded.version,
          data,
          changes: Object.keys(previous).length > 0 ? diffRecord(previous, data) : [],
        });
      }
    });
    return this.records.visit(id, actor);
  }

  async correctAssessment(
    id: string,
    dto: CorrectAssessmentDto,
    actor: Actor,
  ): Promise<VisitEntity> {
    if (!dto.edss && !dto.mri) {
      throw FollowUpErrors.nothingToRecord();
    }
    await this.tx.run(async (uow) => {
      const visit = await this.records.lockVisit(uow, id, actor);
      const before = assessmentRecord(visit);
      if (dto.edss && !before.edss) {
        throw FollowUpErrors.assessmentMissing('edss');
      }
      if (dto.mri && !before.mri) {
        throw FollowUpErrors.assessmentMissing('mri');
      }
      await this.records.checkStale(
        uow,
        VISIT_ASSESSMENT,
        visit.id,
        visit.version,
        dto.expectedVersion,
      );
      const result = applyPatch(
        before as JsonRecord,
        patchOf(dto, ['reason', 'expectedVersion']),
        [],
        () => this.random.uuid(),
      );
      if (result.problems.length > 0) {
        throw validationFailed(result.problems);
      }
      if (result.changes.length === 0) {
        return;
      }
      const after = result.after as AssessmentRecord;
      const touched = (prefix: string) =>
        result.changes.some((c: FieldChange) => c.path.startsWith(prefix));
      await assertPlausibleDates(
        examDates(touched('edss.') ? after.edss : null, touched('mri.') ? after.mri : null),
        await this.dates.facts(visit.participantId, uow.em),
      );
      const now = this.clock.now();
      await this.records.keepOriginal(
        uow,
        VISIT_ASSESSMENT,
        visit.id,
        visit.participantId,
        visit.version,
        before,
        visit.updatedAt,
      );
      if (after.edss && touched('edss.')) {
        await this.visits.setEdss(
          visit.id,
          { score: after.edss.score, date: after.edss.assessedOn, rater: after.edss.rater ?? '' },
          actor.id,
          now,
          uow.em,
        );
      }
      if (after.mri && touched('mri.')) {
        const mri = checkMri({ ...after.mri, comparedWith: after.mri.comparedWith ?? '' });
        await this.visits.setMri(visit.id, mri, actor.id, now, uow.em);
      }
      // setEdss and setMri each add one to the visit's version.
      const version = visit.version + (touched('edss.') ? 1 : 0) + (touched('mri.') ? 1 : 0);
      uow.version({
        entity: VISIT_ASSESSMENT,
        entityId: visit.id,
        participantId: visit.participantId,
        version,
        data: after,
        changes: result.changes,
        reason: dto.reason,
      });
      uow.audit({
        action: 'follow-up.assessment_corrected',
        entity: 'visit',
        entityId: visit.id,
        ...auditOf(result.changes),
        reason: dto.reason,
      });
    });
    return this.records.visit(id, actor);
  }

  /**
   * The blinded assessor's worklist: visits within the actor's sites that need the blinded EDSS
   * or an MRI read still missing, logged by the site or not, whose window opens within the
   * configured days (trial settings followUp.assessorWorklistDays, default 14).
   */
  async worklist(
    filter: { siteId?: string; missing?: 'edss' | 'mri'; status?: 'scheduled' | 'logged' },
    actor: Actor,
    page: number,
    pageSize: number,
  ): Promise<{ items: AssessorWorkItem[]; total: number }> {
    const until = addDays(
      this.clock.now().toISOString().slice(0, 10),
      await this.settings.assessorWorklistDays(),
    );
    return this.visits.assessorWorklist(
      { ...filter, sites: readScope(actor).sites, until },
      page,
      pageSize,
    );
  }
}
