import { DomainError, fieldError } from 'src/common/errors/domain-error';
import type { RoleConflict } from 'src/common/context/roles';

export const UserErrors = {
  notFound: () => new DomainError('USER_NOT_FOUND', 'not_found', 'User not found'),
  emailTaken: () =>
    new DomainError(
      'USER_EMAIL_TAKEN',
      'conflict',
      'A user with this e-mail address already exists',
    ),
  passwordRequired: () =>
    new DomainError(
      'PASSWORD_REQUIRED',
      'bad_request',
      'A password is required: single sign-on is not configured',
      [fieldError('password', 'REQUIRED', 'required unless single sign-on is configured')],
    ),
  weakPassword: (why: string) =>
    new DomainError('PASSWORD_POLICY', 'bad_request', `Password rejected: ${why}`),
  unknownSites: (ids: string[]) =>
    new DomainError(
      'UNKNOWN_SITES',
      'bad_request',
      `Unknown site ids: ${ids.join(', ')}`,
      ids.map((id) =>
        fieldError('siteIds', 'UNKNOWN_SITE', `Unknown site id ${id}`, { siteId: id }),
      ),
    ),
  selfDeactivation: () =>
    new DomainError('USER_SELF_DEACTIVATION', 'conflict', 'You cannot deactivate your own account'),
  roleConflict: (conflicts: RoleConflict[]) =>
    new DomainError(
      'ROLE_COMBINATION_FORBIDDEN',
      'conflict',
      `These roles cannot be held together: ${conflicts.map((c) => c.message).join('; ')}`,
      conflicts.map((c) => fieldError('roles', c.code, c.message, { roles: c.roles })),
    ),
  selfRoleChange: () =>
    new DomainError(
      'USER_SELF_ROLE_CHANGE',
      'conflict',
      'You cannot change your own roles, sites or scope; another admin must',
    ),
  lastAdmin: () =>
    new DomainError(
      'LAST_ADMIN',
      'conflict',
      'This is the last active admin: add another admin before removing this one',
    ),
  badMembership: (why: string) => new DomainError('MEMBERSHIP_INVALID', 'bad_request', why),
  noScope: () =>
    new DomainError(
      'USER_NO_SCOPE',
      'bad_request',
      'A user needs at least one site membership or trial-wide scope',
    ),
};
