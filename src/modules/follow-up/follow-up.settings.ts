import { Injectable } from '@nestjs/common';
import { TrialsService } from 'src/modules/trials/trials.service';
import { DEFAULT_SWEEP_RULE_CONFIG, type SweepRuleConfig } from './calendar/sweep-rules';
import {
  DEFAULT_VISIT_TEMPLATE,
  validateVisitTemplate,
  type VisitTemplate,
} from './calendar/visit-template';
import { type EditChecks, type EditCheckSetting, editChecksOf } from './edit-checks';
import { FollowUpErrors } from './follow-up.errors';
import { DEFAULT_SAFETY_SETTINGS, type SafetySettings, validateSafetySettings } from './safety';

/** The `followUp` section of the trial settings (all optional; the defaults are docs/domain/ram-ms.md §5 / §9 Q6). */
export type FollowUpSettingsSection = {
  visitTemplate?: VisitTemplate;
  reminders?: Partial<SweepRuleConfig>;
  /** Safety reporting: interventions per arm, RSI versions per intervention, SUSAR deadlines. */
  safety?: Partial<SafetySettings>;
  /** The blinded assessor's worklist shows visits whose window opens within this many days (default 14). */
  assessorWorklistDays?: number;
  /** Edit checks (follow-up/edit-checks.ts): `{ id, enabled?, params? }` per check changed from its default. */
  editChecks?: EditCheckSetting[];
};

const DEFAULT_ASSESSOR_WORKLIST_DAYS = 14;

/** The visit template and reminder offsets as trial configuration, validated before use. */
@Injectable()
export class FollowUpSettings {
  constructor(private readonly trials: TrialsService) {}

  private async section(): Promise<FollowUpSettingsSection> {
    const trial = await this.trials.current();
    const section = trial.settings.followUp;
    return typeof section === 'object' && section !== null
      ? (section as FollowUpSettingsSection)
      : {};
  }

  async template(): Promise<VisitTemplate> {
    const template = (await this.section()).visitTemplate ?? DEFAULT_VISIT_TEMPLATE;
    const problems = validateVisitTemplate(template);
    if (problems.length > 0) {
      throw FollowUpErrors.badTemplate(problems);
    }
    return template;
  }

  async sweepRules(): Promise<SweepRuleConfig> {
    return { ...DEFAULT_SWEEP_RULE_CONFIG, ...((await this.section()).reminders ?? {}) };
  }

  /** How far ahead the blinded assessor's worklist looks, in days (0 to 366). */
  async assessorWorklistDays(): Promise<number> {
    const days = (await this.section()).assessorWorklistDays;
    return Number.isInteger(days) && (days as number) >= 0 && (days as number) <= 366
      ? (days as number)
      : DEFAULT_ASSESSOR_WORKLIST_DAYS;
  }

  /** Safety reporting configuration: the defaults (follow-up/safety.ts) overridden section by section. */
  async safety(): Promise<SafetySettings> {
    const own = (await this.section()).safety ?? {};
    const settings: SafetySettings = {
      interventionsByArm: {
        ...DEFAULT_SAFETY_SETTINGS.interventionsByArm,
        ...(own.interventionsByArm ?? {}),
      },
      rsi: { ...DEFAULT_SAFETY_SETTINGS.rsi, ...(own.rsi ?? {}) },
      susarDays: { ...DEFAULT_SAFETY_SETTINGS.susarDays, ...(own.susarDays ?? {}) },
    };
    const problems = validateSafetySettings(settings);
    if (problems.length > 0) {
      throw FollowUpErrors.badSafetySettings(problems);
    }
    return settings;
  }

  /** The edit checks: the defaults (follow-up/edit-checks.ts) with the listed checks' settings. */
  async editChecks(): Promise<EditChecks> {
    const { checks, problems } = editChecksOf((await this.section()).editChecks);
    if (problems.length > 0) {
      throw FollowUpErrors.badEditChecks(problems);
    }
    return checks;
  }
}
