import { addDays, compareDates, type IsoDate, isIsoDate } from 'src/common/time/calendar-date';
import {
  AE_INTERVENTIONS,
  type AdverseEventInput,
  type AeIntervention,
  type AeOutcome,
  RELATED_CAUSALITIES,
} from './entities/adverse-event.entity';

/**
 * Safety reporting rules (ICH E2A, EU CTR 536/2014 art. 42): pure, no I/O. What is configuration
 * (the interventions of each arm, the reference safety information versions) comes in as settings.
 */

/** One version of an intervention's reference safety information (e.g. an IB section or SmPC 4.8). */
export type RsiVersion = { version: string; effectiveFrom: IsoDate; document?: string };

export type SafetySettings = {
  /** The interventions an adverse event is assessed against, by the participant's arm. */
  interventionsByArm: Record<'A' | 'B', AeIntervention[]>;
  /** RSI versions per intervention; the one in force on a day is the latest effectiveFrom ≤ that day. */
  rsi: Partial<Record<AeIntervention, RsiVersion[]>>;
  /** SUSAR reporting deadlines in calendar days from awareness (EU CTR art. 42: 7 and 15). */
  susarDays: { fatalOrLifeThreatening: number; other: number };
};

/** DEFAULT: replace the RSI versions in the trial settings (followUp.safety) when the IB or SmPC changes. */
export const DEFAULT_SAFETY_SETTINGS: SafetySettings = {
  interventionsByArm: {
    A: ['ahsct', 'mobilisation', 'conditioning', 'reinfusion'],
    B: ['arm_b_drug'],
  },
  rsi: {
    ahsct: [{ version: '1.0', effectiveFrom: '2025-01-01', document: 'Protocol RSI, aHSCT' }],
    mobilisation: [
      { version: '1.0', effectiveFrom: '2025-01-01', document: 'Protocol RSI, mobilisation' },
    ],
    conditioning: [
      { version: '1.0', effectiveFrom: '2025-01-01', document: 'Protocol RSI, conditioning' },
    ],
    reinfusion: [
      { version: '1.0', effectiveFrom: '2025-01-01', document: 'Protocol RSI, reinfusion' },
    ],
    arm_b_drug: [{ version: '1.0', effectiveFrom: '2025-01-01', document: 'SmPC section 4.8' }],
  },
  susarDays: { fatalOrLifeThreatening: 7, other: 15 },
};

/** What is wrong with a safety configuration (empty when it can be used). */
export function validateSafetySettings(s: SafetySettings): string[] {
  const problems: string[] = [];
  const known = (v: unknown) => AE_INTERVENTIONS.includes(v as AeIntervention);
  for (const arm of ['A', 'B'] as const) {
    const list: unknown = s.interventionsByArm[arm];
    if (!Array.isArray(list) || !list.every(known)) {
      problems.push(
        `interventionsByArm.${arm} must list interventions of ${AE_INTERVENTIONS.join(', ')}`,
      );
    }
  }
  for (const [intervention, versions] of Object.entries(s.rsi as Record<string, unknown>)) {
    if (!known(intervention)) {
      problems.push(`rsi.${intervention} is not an intervention`);
    } else if (
      !Array.isArray(versions) ||
      !versions.every(
        (v: { version?: unknown; effectiveFrom?: unknown }) =>
          typeof v?.version === 'string' && v.version !== '' && isIsoDate(v.effectiveFrom),
      )
    ) {
      problems.push(`rsi.${intervention} must list { version, effectiveFrom: YYYY-MM-DD }`);
    }
  }
  for (const k of ['fatalOrLifeThreatening', 'other'] as const) {
    const d: unknown = s.susarDays[k];
    if (!Number.isInteger(d) || (d as number) < 1) {
      problems.push(`susarDays.${k} must be a positive whole number of days`);
    }
  }
  return problems;
}

/** Outcomes after which the event needs no further follow-up. */
export const RESOLVED_OUTCOMES: readonly AeOutcome[] = [
  'recovered',
  'recovered_with_sequelae',
  'fatal',
];

/** The RSI version in force on `day` for an intervention, or null when none is configured. */
export function rsiInForce(
  settings: SafetySettings,
  intervention: AeIntervention,
  day: IsoDate,
): RsiVersion | null {
  const versions = (settings.rsi[intervention] ?? []).filter(
    (v) => compareDates(v.effectiveFrom, day) <= 0,
  );
  return versions.sort((a, b) => compareDates(b.effectiveFrom, a.effectiveFrom))[0] ?? null;
}

export type SusarFacts = { susar: boolean; days: number | null; dueDate: IsoDate | null };

/**
 * A suspected unexpected serious adverse reaction: serious, related (related or possibly related)
 * to an intervention, and unexpected against that intervention's RSI. Its reporting clock runs
 * from the awareness date: 7 calendar days when fatal or life-threatening, 15 otherwise.
 */
export function susarOf(
  ae: AdverseEventInput,
  awareDate: IsoDate | null,
  settings: SafetySettings,
): SusarFacts {
  const susar =
    ae.serious &&
    (ae.assessments ?? []).some(
      (a) => RELATED_CAUSALITIES.includes(a.causality) && a.expectedness === 'unexpected',
    );
  if (!susar || awareDate === null) {
    return { susar, days: null, dueDate: null };
  }
  const criteria = ae.seriousnessCriteria ?? [];
  const days =
    ae.outcome === 'fatal' || criteria.includes('death') || criteria.includes('life_threatening')
      ? settings.susarDays.fatalOrLifeThreatening
      : settings.susarDays.other;
  return { susar, days, dueDate: addDays(awareDate, days) };
}
