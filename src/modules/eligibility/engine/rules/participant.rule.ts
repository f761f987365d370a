import type { ConsentParams } from 'src/modules/eligibility/engine/criteria-sets';
import { parseIsoDate } from 'src/modules/eligibility/engine/dates';
import type { IsoDate, ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { fails, holds, judge, unknown, type Check } from './check';
import { field, readBool, readString } from './read';
import type { Rule } from './rule.types';

function flag(data: ScreeningData, key: string): boolean | null {
  return readBool(field(data, key));
}

/** I2: met if no childbearing potential (self or partner), or agrees to highly effective contraception. */
export function checkContraception(data: ScreeningData): Check {
  const potential = flag(data, 'childbearingPotential');
  const agrees = flag(data, 'agreesToContraception');
  if (potential === false) {
    return holds('no childbearing potential (self or partner)');
  }
  if (agrees === true) {
    return holds(
      `${potential === true ? 'childbearing potential' : 'childbearing potential not recorded'}, agrees to highly effective contraception`,
    );
  }
  if (potential === true && agrees === false) {
    return fails(
      'childbearing potential (self or partner) and does not agree to highly effective contraception',
    );
  }
  return unknown(
    potential === null
      ? 'childbearing potential not recorded'
      : 'childbearing potential, agreement to contraception not recorded',
  );
}

/** A yes/no field where "yes" is needed (inclusion) or "no" (exclusion phrased as unwillingness). */
function requireYes(
  data: ScreeningData,
  key: string,
  yesNote: string,
  noNote: string,
  missingNote: string,
): Check {
  const value = flag(data, key);
  return value === null ? unknown(missingNote) : value ? holds(yesNote) : fails(noNote);
}

export function checkConsent(data: ScreeningData, at: IsoDate, p: ConsentParams): Check {
  const consent = field(data, 'consent');
  const signed = readBool(field(consent, 'signed'));
  const date = parseIsoDate(field(consent, 'date'));
  const version = readString(field(consent, 'version'));
  if (signed === null) {
    return unknown('informed consent not recorded');
  }
  if (!signed) {
    return fails('informed consent not signed');
  }
  if (date !== null && date > at) {
    return unknown(`informed consent dated ${date}, after the assessment date ${at}`);
  }
  const versionText = version === null ? 'version not recorded' : `version ${version}`;
  if (p.acceptedConsentVersions !== null) {
    if (version === null) {
      return unknown(`informed consent signed, ${versionText}`);
    }
    if (!p.acceptedConsentVersions.includes(version)) {
      return fails(
        `informed consent ${versionText} is not an accepted version (${p.acceptedConsentVersions.join(', ')})`,
      );
    }
  }
  return holds(`informed consent signed${date === null ? '' : ` on ${date}`} (${versionText})`);
}

/** RAM-MS I2: contraception if childbearing potential (self or partner). */
export const ruleI2: Rule<unknown> = (data, assessmentDate) =>
  judge('I2', assessmentDate, () => checkContraception(data));

/** RAM-MS I6: referred from a neurology department. */
export const ruleI6: Rule<unknown> = (data, assessmentDate) =>
  judge('I6', assessmentDate, () =>
    requireYes(
      data,
      'referredFromNeurology',
      'referred from a neurology department',
      'not referred from a neurology department',
      'referral not recorded',
    ),
  );

/** RAM-MS I7: signed informed consent. */
export const ruleI7: Rule<ConsentParams> = (data, assessmentDate, params) =>
  judge('I7', assessmentDate, (at) => checkConsent(data, at, params));

/** RAM-MS E6 (NL): unwilling to learn the infection test results excludes. */
export const ruleE6: Rule<unknown> = (data, assessmentDate) =>
  judge('E6', assessmentDate, () =>
    requireYes(
      data,
      'willingToLearnInfectionResults',
      'willing to learn infection test results',
      'unwilling to learn infection test results',
      'willingness to learn infection test results not recorded',
    ),
  );

/** RAM-MS E7 (NL): unwilling to let randomisation decide the arm excludes. */
export const ruleE7: Rule<unknown> = (data, assessmentDate) =>
  judge('E7', assessmentDate, () =>
    requireYes(
      data,
      'willingToBeRandomised',
      'willing to be randomised',
      'unwilling to be randomised',
      'willingness to be randomised not recorded',
    ),
  );

/** RAM-MS E12 [UNVERIFIED]: pregnancy or breastfeeding excludes. */
export const ruleE12: Rule<unknown> = (data, assessmentDate) =>
  judge('E12', assessmentDate, () => {
    const value = flag(data, 'pregnantOrBreastfeeding');
    return value === null
      ? unknown('pregnancy/breastfeeding not recorded')
      : value
        ? fails('pregnant or breastfeeding excludes')
        : holds('not pregnant or breastfeeding');
  });
