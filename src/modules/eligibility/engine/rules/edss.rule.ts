import type { EdssParams } from 'src/modules/eligibility/engine/criteria-sets';
import { minusMonths, parseIsoDate } from 'src/modules/eligibility/engine/dates';
import type { IsoDate, ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { allOf, fails, holds, judge, unknown, type Check } from './check';
import { field, readBool, readEdssScore } from './read';
import type { Rule } from './rule.types';

function rangeText(p: EdssParams): string {
  return `${p.edssLowerInclusive ? '>=' : '>'} ${p.edssMin.toFixed(1)} and ${p.edssUpperInclusive ? '<=' : '<'} ${p.edssMax.toFixed(1)}`;
}

/** EDSS score within the set's bounds; optionally in a stable phase and recent enough. */
export function checkEdss(data: ScreeningData, at: IsoDate, p: EdssParams): Check {
  const edss = field(data, 'edss');
  const score = readEdssScore(field(edss, 'score'));
  const date = parseIsoDate(field(edss, 'date'));
  const range = rangeText(p);

  let scoreCheck: Check;
  if (score === null) {
    scoreCheck = unknown('EDSS score not recorded or not a 0-10 score in 0.5 steps');
  } else {
    const label = `EDSS ${score.toFixed(1)}${date === null ? '' : ` (${date})`}`;
    const aboveMin = p.edssLowerInclusive ? score >= p.edssMin : score > p.edssMin;
    const belowMax = p.edssUpperInclusive ? score <= p.edssMax : score < p.edssMax;
    scoreCheck =
      aboveMin && belowMax
        ? holds(`${label} is within ${range}`)
        : fails(`${label} is ${aboveMin ? 'above' : 'below'} the range ${range}`);
  }

  const checks: Check[] = [scoreCheck];
  if (p.edssRequiresStablePhase) {
    const stable = readBool(field(edss, 'stablePhase'));
    checks.push(
      stable === null
        ? unknown('EDSS stable phase not recorded')
        : stable
          ? holds('stable phase')
          : fails('EDSS not assessed in a stable phase'),
    );
  }
  if (p.edssMaxAgeMonths !== null) {
    const oldest = minusMonths(at, p.edssMaxAgeMonths);
    checks.push(
      date === null
        ? unknown('EDSS date not recorded')
        : date > at
          ? unknown(`EDSS date ${date} is after the assessment date ${at}`)
          : date < oldest
            ? unknown(
                `EDSS of ${date} is more than ${p.edssMaxAgeMonths} months old at ${at}; a current score is needed`,
              )
            : holds(`dated within ${p.edssMaxAgeMonths} months`),
    );
  }
  return allOf(checks);
}

/** RAM-MS I4: EDSS 0-5.5 inclusive. */
export const ruleI4: Rule<EdssParams> = (data, assessmentDate, params) =>
  judge('I4', assessmentDate, (at) => checkEdss(data, at, params));

/** ZIN Z-I3: EDSS >= 3.0 and < 6.5, in a stable phase. */
export const ruleZI3: Rule<EdssParams> = (data, assessmentDate, params) =>
  judge('Z-I3', assessmentDate, (at) => checkEdss(data, at, params));
