import { Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR } from 'src/common/context/request-context';
import { activeCriteriaSet } from 'src/modules/eligibility/criteria-config';
import { EligibilityService } from 'src/modules/eligibility/eligibility.service';
import { evaluate } from 'src/modules/eligibility/engine';
import { engineInput, forSignOff } from 'src/modules/eligibility/judged-input';
import { ParticipantErrors } from 'src/modules/participants/participants.errors';
import { ParticipantsService } from 'src/modules/participants/participants.service';
import { screeningProblems } from 'src/modules/eligibility/screening-record';
import { SitesService } from 'src/modules/sites/sites.service';
import type {
  PrescreeningAnswersDto,
  PrescreeningCheckResultDto,
  PrescreeningRegistrationDto,
  PrescreeningRegistrationResultDto,
  PublicSiteDto,
} from './dto/prescreening.dto';
import { toScreeningRecord } from './prescreening-answers';
import { PublicErrors } from './public.errors';

/** The time zone the public check uses when no site is chosen yet (the Dutch pathway, S003). */
const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

/** What happens after a registration (docs/domain/ram-ms.md §6 steps 2–5), as codes the page words. */
const NEXT_STEPS = ['team_review', 'phone_check', 'records', 'screening_visit'];

/**
 * The public pre-screening questionnaire (docs/domain/ram-ms.md §6 step 1–2): a check that stores nothing,
 * and a registration that creates a `pre_screened` candidate at the chosen site (identity in the
 * vault) through ParticipantsService.register with the system actor.
 */
@Injectable()
export class PrescreeningService {
  constructor(
    private readonly participants: ParticipantsService,
    private readonly eligibility: EligibilityService,
    private readonly sites: SitesService,
  ) {}

  /** Active screening sites a person may choose: public reference data only. */
  async sitesOffered(): Promise<PublicSiteDto[]> {
    const sites = await this.sites.list({ active: true, role: 'screening' });
    return sites
      .filter((s) => s.active && s.roles.includes('screening'))
      .map((s) => ({
        id: s.id,
        label: `${s.countryCode}-${s.code}`,
        name: s.name,
        countryCode: s.countryCode,
      }));
  }

  /** Judges the answers against the trial's active criteria set; nothing is stored. */
  async check(
    answers: PrescreeningAnswersDto,
    timeZone = DEFAULT_TIME_ZONE,
  ): Promise<PrescreeningCheckResultDto> {
    const today = this.participants.today(timeZone);
    const record = toScreeningRecord(answers);
    const problems = screeningProblems(record, today);
    if (answers.birthDate > today) {
      problems.push({ path: 'birthDate', problem: `is after today (${today})` });
    }
    if (problems.length > 0) {
      throw ParticipantErrors.invalidData(
        problems.map((p) => ({ ...p, path: fieldOf(p.path) })),
        'answers.',
      );
    }
    const settings = await this.eligibility.settings();
    const set = forSignOff(activeCriteriaSet(settings), settings.deferredCriteria);
    const result = evaluate(engineInput(record, answers.birthDate), today, set);
    const reasons = result.criteria
      .filter((c) => c.outcome === 'not_met')
      .map((c) => ({ criterionId: c.id, title: c.title, explanation: c.explanation }));
    return { canQualify: reasons.length === 0, reasons, toBeChecked: result.unknownCodes };
  }

  /**
   * Registers the person as a pre-screened candidate, after checking the answers again (a page
   * that skipped the check cannot register someone who cannot qualify: nothing is stored then).
   */
  async register(dto: PrescreeningRegistrationDto): Promise<PrescreeningRegistrationResultDto> {
    const site = (await this.sitesOffered()).find((s) => s.id === dto.siteId);
    if (!site) {
      throw PublicErrors.siteNotOffered();
    }
    const { timeZone } = await this.sites.get(site.id);
    const verdict = await this.check(dto.answers, timeZone);
    if (!verdict.canQualify) {
      throw PublicErrors.cannotQualify(verdict.reasons);
    }
    const contact = {
      ...(dto.contact.email ? { email: dto.contact.email } : {}),
      ...(dto.contact.phone ? { phone: dto.contact.phone } : {}),
    };
    await this.participants.register(
      {
        stage: 'pre_screened',
        siteId: site.id,
        identity: {
          givenName: dto.givenName,
          familyName: dto.familyName,
          birthDate: dto.answers.birthDate,
          ...(Object.keys(contact).length > 0 ? { contact } : {}),
        },
        preScreening: toScreeningRecord(dto.answers),
      },
      SYSTEM_ACTOR,
    );
    return { siteName: site.name, nextSteps: NEXT_STEPS };
  }
}

/** Screening-record paths back to the questionnaire's field names, for field-level errors. */
function fieldOf(path: string): string {
  if (path.startsWith('relapses')) {
    return 'relapseOnsetDate';
  }
  if (path.startsWith('mriExams')) {
    return 'mriDate';
  }
  if (path.startsWith('treatments')) {
    return 'currentTreatmentSince';
  }
  return path;
}
