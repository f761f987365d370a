export const SITE_ROLES = [
  'screening',
  'transplant_centre',
  'arm_b_hospital',
  'central_assessment',
] as const;
export type SiteRole = (typeof SITE_ROLES)[number];
export const COUNTRIES = ['NO', 'SE', 'DK', 'NL'] as const;
export type Country = (typeof COUNTRIES)[number];

export type SiteEntity = {
  id: string;
  trialId: string;
  code: string;
  name: string;
  countryCode: Country;
  timeZone: string;
  roles: SiteRole[];
  transplantCentreId: string | null;
  defaultQuarterlyCapacity: number;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
};
