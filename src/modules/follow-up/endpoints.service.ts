import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { randomisationAnchorDate } from './calendar/visit-calendar';
import {
  evaluateNeda3,
  type NedaInput,
  type NedaLossReason,
  type NedaResult,
} from './endpoints/neda';
import {
  type EndpointParticipant,
  EndpointsRepository,
  type EndpointVisit,
} from './endpoints.repository';
import { FollowUpErrors } from './follow-up.errors';
import { FollowUpSettings } from './follow-up.settings';
import { ReadReplicas } from 'src/kernel/read-replicas';
import type { EntityManager } from 'typeorm';

export type ParticipantNeda = NedaResult & {
  participantId: string;
  studyId: string | null;
  arm: 'A' | 'B';
  endpointVisit: { code: string; status: string; loggedDate: string | null } | null;
};

/** One endpoint week of a participant as an export shows it (no arm). */
export type EndpointForExport = Pick<NedaResult, 'week' | 'neda' | 'lostBy'> & {
  details: NedaResult['details'] | null;
};

export type ArmNeda = {
  arm: 'A' | 'B';
  label: string;
  participants: number;
  neda: number;
  notNeda: number;
  insufficientData: number;
  /** NEDA ÷ (NEDA + not NEDA); null when nobody is evaluable yet. */
  proportion: number | null;
  lostBy: Record<NedaLossReason, number>;
};

export type AggregateNeda = { week: number; evaluatedAt: string; arms: ArmNeda[] };

const ARM_LABEL = { A: 'aHSCT', B: 'best available high-efficacy DMT' } as const;

/**
 * NEDA-3 at the endpoint weeks (96 primary, 240 extension) from the visits' EDSS, MRI and relapse
 * data, through the pure `evaluateNeda3`. Anchored on the randomisation date in the site's zone
 * (ITT, docs/domain/ram-ms.md §9 Q4), baseline EDSS from week 0, MRI re-baseline from week 12.
 */
@Injectable()
export class EndpointsService {
  constructor(
    private readonly repo: EndpointsRepository,
    private readonly settings: FollowUpSettings,
    private readonly clock: Clock,
    private readonly replicas: ReadReplicas,
  ) {}

  async participantNeda(
    participantId: string,
    week: number,
    actor: Actor,
  ): Promise<ParticipantNeda> {
    await this.checkWeek(week);
    const [participant] = await this.repo.participants(participantId, siteScope(actor));
    if (!participant) {
      throw FollowUpErrors.participantNotFound();
    }
    return this.evaluate(participant, await this.repo.visits([participantId]), week);
  }

  async aggregate(week: number, actor: Actor): Promise<AggregateNeda> {
    await this.checkWeek(week);
    // Stale-tolerant (a replica when one is fit): both reads on the same server.
    const { participants, visits } = await this.replicas.staleTolerant(async (db) => {
      const participants = await this.repo.participants(null, siteScope(actor), db);
      const visits = await this.repo.visits(
        participants.map((p) => p.participantId),
        db,
      );
      return { participants, visits };
    });
    const byParticipant = new Map<string, EndpointVisit[]>();
    for (const v of visits) {
      byParticipant.set(v.participantId, [...(byParticipant.get(v.participantId) ?? []), v]);
    }
    const arms: ArmNeda[] = (['A', 'B'] as const).map((arm) => ({
      arm,
      label: ARM_LABEL[arm],
      participants: 0,
      neda: 0,
      notNeda: 0,
      insufficientData: 0,
      proportion: null,
      lostBy: { relapse: 0, edss_progression: 0, mri_activity: 0 },
    }));
    for (const p of participants) {
      const result = this.evaluate(p, byParticipant.get(p.participantId) ?? [], week);
      const bucket = arms[p.arm === 'A' ? 0 : 1];
      bucket.participants += 1;
      if (result.neda === true) {
        bucket.neda += 1;
      } else if (result.neda === false) {
        bucket.notNeda += 1;
      } else {
        bucket.insufficientData += 1;
      }
      for (const reason of result.lostBy) {
        bucket.lostBy[reason] += 1;
      }
    }
    for (const a of arms) {
      const evaluable = a.neda + a.notNeda;
      a.proportion = evaluable === 0 ? null : Math.round((a.neda / evaluable) * 10_000) / 10_000;
    }
    return { week, evaluatedAt: this.clock.now().toISOString(), arms };
  }

  /**
   * For exports, through the export's snapshot transaction: NEDA-3 at every endpoint week of the
   * randomised participants among a page of participants (two queries per page). A participant
   * whose data cannot be judged gets `neda: null` and no details rather than failing the export.
   */
  async forExport(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<Map<string, EndpointForExport[]>> {
    const template = await this.settings.template();
    const weeks = template.scheduled
      .filter((v) => v.endpoint === true)
      .map((v) => v.week)
      .sort((a, b) => a - b);
    const participants = await this.repo.participantsIn(participantIds, em);
    const visits = await this.repo.visits(
      participants.map((p) => p.participantId),
      em,
    );
    const byParticipant = new Map<string, EndpointVisit[]>();
    for (const v of visits) {
      byParticipant.set(v.participantId, [...(byParticipant.get(v.participantId) ?? []), v]);
    }
    const out = new Map<string, EndpointForExport[]>();
    for (const p of participants) {
      out.set(
        p.participantId,
        weeks.map((week) => {
          try {
            const r = this.evaluate(p, byParticipant.get(p.participantId) ?? [], week);
            return { week, neda: r.neda, lostBy: r.lostBy, details: r.details };
          } catch {
            return { week, neda: null, lostBy: [], details: null };
          }
        }),
      );
    }
    return out;
  }

  private async checkWeek(week: number): Promise<void> {
    const template = await this.settings.template();
    const weeks = template.scheduled.filter((v) => v.endpoint === true).map((v) => v.week);
    if (!weeks.includes(week)) {
      throw FollowUpErrors.notEndpointWeek(weeks);
    }
  }

  private evaluate(p: EndpointParticipant, visits: EndpointVisit[], week: number): ParticipantNeda {
    const endpoint =
      visits.find((v) => v.kind === 'scheduled' && v.isEndpoint && v.offsetDays === week * 7) ??
      null;
    const relapseDates = new Set<string>();
    for (const v of visits) {
      for (const r of v.relapses ?? []) {
        relapseDates.add(r.onsetDate);
      }
    }
    const input: NedaInput = {
      randomisationDate: randomisationAnchorDate(p.randomisedAt, p.timeZone),
      week,
      relapses: [...relapseDates].map((onsetDate) => ({ onsetDate })),
      edss: visits
        .filter((v) => v.edssScore !== null && v.edssDate !== null)
        .map((v) => ({
          date: v.edssDate as string,
          score: v.edssScore as number,
          ...(v.kind === 'scheduled' && v.offsetDays === 0 ? { baseline: true } : {}),
        })),
      mri: visits
        .filter((v) => v.mriDate !== null)
        .map((v) => ({
          date: v.mriDate as string,
          gdLesions: v.mriGdLesions ?? 0,
          newOrEnlargingT2: v.mriNewT2Lesions ?? 0,
          ...(v.mriRebaseline ? { rebaseline: true } : {}),
        })),
      ...(endpoint?.status === 'logged' && endpoint.loggedDate
        ? { endpointDate: endpoint.loggedDate }
        : {}),
    };
    let result: NedaResult;
    try {
      result = evaluateNeda3(input);
    } catch (error) {
      throw FollowUpErrors.nedaDataInvalid(error instanceof Error ? error.message : String(error));
    }
    return {
      ...result,
      participantId: p.participantId,
      studyId: p.studyId,
      arm: p.arm,
      endpointVisit: endpoint
        ? { code: endpoint.code, status: endpoint.status, loggedDate: endpoint.loggedDate }
        : null,
    };
  }
}
