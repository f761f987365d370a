import type { Role } from '../auth/roles';

/** A staff account as the users repository returns it (the password hash is never loaded here). */
export type UserEntity = {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  trialWide: boolean;
  active: boolean;
  tokenVersion: number;
  createdAt: Date;
  updatedAt: Date;
  deactivatedAt: Date | null;
  siteIds: string[];
};
