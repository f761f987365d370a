import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from 'src/common/context/request-context';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { ParticipantsReader } from 'src/modules/participants/participants.reader';
import { AllocationsReader } from 'src/modules/randomization/allocations.reader';
import { SitesReader } from 'src/modules/sites/sites.reader';
import { TrialsReader } from 'src/modules/trials/trials.reader';
import {
  type FhirBundleLinkDto,
  type FhirCapabilityStatementDto,
  RESEARCH_STUDY_SEARCH_PARAMETERS,
  RESEARCH_SUBJECT_SEARCH_PARAMETERS,
  type FhirResearchStudyBundleDto,
  type FhirResearchStudyDto,
  type FhirResearchSubjectBundleDto,
  type FhirResearchSubjectDto,
} from './dto/fhir.dto';
import { FhirErrors } from './fhir.errors';
import { capabilityStatement, searchset, toResearchStudy, toResearchSubject } from './fhir.mapper';

export const DEFAULT_COUNT = 50;

/**
 * Read-only FHIR R4 views of the trial (ResearchStudy) and its participants (ResearchSubject).
 * Reads only through the owners' readers: participants within the actor's sites, arms only for
 * roles that may see them. Links and fullUrls start at APP_PUBLIC_URL (where people reach the
 * system), never at the request's Host header: the same data gives the same answer.
 */
@Injectable()
export class FhirService {
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly trials: TrialsReader,
    private readonly sites: SitesReader,
    private readonly participants: ParticipantsReader,
    private readonly allocations: AllocationsReader,
  ) {
    this.base = config.APP_PUBLIC_URL;
  }

  capabilities(): FhirCapabilityStatementDto {
    return capabilityStatement(this.base, {
      ResearchStudy: RESEARCH_STUDY_SEARCH_PARAMETERS,
      ResearchSubject: RESEARCH_SUBJECT_SEARCH_PARAMETERS,
    });
  }

  async study(id: string): Promise<FhirResearchStudyDto> {
    const trial = await this.trials.trial();
    if (trial.id !== id.toLowerCase()) {
      throw FhirErrors.studyNotFound();
    }
    return toResearchStudy(trial, await this.sites.all());
  }

  async searchStudies(id: string | undefined): Promise<FhirResearchStudyBundleDto> {
    const trial = await this.trials.trial();
    const matches = id === undefined || id.toLowerCase() === trial.id;
    const resources = matches ? [toResearchStudy(trial, await this.sites.all())] : [];
    const self = `${this.base}/fhir/ResearchStudy${id === undefined ? '' : `?_id=${encodeURIComponent(id)}`}`;
    return searchset(this.base, resources, resources.length, [{ relation: 'self', url: self }]);
  }

  async subject(actor: Actor, id: string): Promise<FhirResearchSubjectDto> {
    const p = await this.participants.one(actor, id);
    if (!p) {
      throw FhirErrors.subjectNotFound();
    }
    const arms = await this.allocations.armsOf(actor, [p.id]);
    return toResearchSubject(p, arms.get(p.id));
  }

  async searchSubjects(
    actor: Actor,
    q: { study?: string; count?: number; offset?: number },
  ): Promise<FhirResearchSubjectBundleDto> {
    const count = q.count ?? DEFAULT_COUNT;
    const offset = q.offset ?? 0;
    const trial = await this.trials.trial();
    const studyId = q.study?.replace(/^ResearchStudy\//, '').toLowerCase();
    const url = (o: number) => {
      const params = new URLSearchParams();
      if (q.study !== undefined) {
        params.set('study', q.study);
      }
      params.set('_count', String(count));
      params.set('_offset', String(o));
      return `${this.base}/fhir/ResearchSubject?${params.toString()}`;
    };
    if (studyId !== undefined && studyId !== trial.id) {
      return searchset(this.base, [], 0, [{ relation: 'self', url: url(offset) }]);
    }
    const page = await this.participants.page(actor, trial.id, offset, count);
    const arms = await this.allocations.armsOf(
      actor,
      page.items.map((p) => p.id),
    );
    const link: FhirBundleLinkDto[] = [{ relation: 'self', url: url(offset) }];
    if (offset + page.items.length < page.total && page.items.length > 0) {
      link.push({ relation: 'next', url: url(offset + page.items.length) });
    }
    return searchset(
      this.base,
      page.items.map((p) => toResearchSubject(p, arms.get(p.id))),
      page.total,
      link,
    );
  }
}
