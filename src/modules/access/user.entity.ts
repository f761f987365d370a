import type { Role } from 'src/common/context/roles';

/** A staff account as the users repository returns it (the password hash is never loaded here). */
export type UserEntity = {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  trialWide: boolean;
  active: boolean;
  tokenVersion: number;
  /** The account must choose a new password before doing anything else (generated or reset by an admin). */
  passwordChangeRequired: boolean;
  passwordChangedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  deactivatedAt: Date | null;
  /** Sites of the memberships current today (the delegation log's dates); the scope of site roles. */
  siteIds: string[];
  /** Every membership with its dates, past and future included. */
  memberships: Membership[];
};

/** A site membership, as a site's delegation log holds it: from `startsOn` to `endsOn`, both inclusive; null is open. */
export type Membership = { siteId: string; startsOn: string | null; endsOn: string | null };
