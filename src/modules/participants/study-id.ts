/** The largest number a 4-digit study id can carry per site. */
export const MAX_STUDY_NUMBER = 9999;

/**
 * `<country>-<site code>-<4 digits>`, e.g. NL-AMS-0007. Free of personal data: it says where
 * and in which order someone was registered, nothing else.
 */
export function formatStudyId(countryCode: string, siteCode: string, n: number): string {
  if (!/^[A-Z]{2}$/.test(countryCode)) {
    throw new RangeError(`country code ${countryCode} is not 2 capital letters`);
  }
  if (!/^[A-Z]{2,5}$/.test(siteCode)) {
    throw new RangeError(`site code ${siteCode} is not 2 to 5 capital letters`);
  }
  if (!Number.isInteger(n) || n < 1 || n > MAX_STUDY_NUMBER) {
    throw new RangeError(`study number ${n} is outside 1..${MAX_STUDY_NUMBER}`);
  }
  return `${countryCode}-${siteCode}-${String(n).padStart(4, '0')}`;
}

export const STUDY_ID_PATTERN = /^[A-Z]{2}-[A-Z]{2,5}-\d{4}$/;
