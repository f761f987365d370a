/**
 * What the identity vault holds for one participant. It exists only encrypted at rest
 * (participant_identities) and in memory while a use case needs it; trial data refer to the
 * participant id only.
 */
export const NATIONAL_ID_TYPES = ['nl_bsn', 'no_fnr', 'se_pnr', 'dk_cpr', 'other'] as const;
export type NationalIdType = (typeof NATIONAL_ID_TYPES)[number];

export type IdentityAddress = {
  line1: string;
  line2?: string;
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
};

export type IdentityContact = {
  email?: string;
  phone?: string;
  address?: IdentityAddress;
};

export type IdentityRecord = {
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  contact?: IdentityContact;
  nationalId?: { type: NationalIdType; value: string };
};
