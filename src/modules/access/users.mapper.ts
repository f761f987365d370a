import { actingRoles, roleConflicts } from 'src/common/context/roles';
import type { UserResponseDto } from './dto/user.dto';
import type { UserEntity } from './user.entity';

export function toUserResponse(u: UserEntity): UserResponseDto {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    roles: u.roles,
    trialWide: u.trialWide,
    siteIds: u.siteIds,
    memberships: u.memberships,
    conflicts: roleConflicts(u.roles),
    actingRoles: actingRoles(u.roles),
    active: u.active,
    createdAt: new Date(u.createdAt).toISOString(),
    deactivatedAt: u.deactivatedAt ? new Date(u.deactivatedAt).toISOString() : null,
    passwordChangeRequired: u.passwordChangeRequired,
    passwordChangedAt: u.passwordChangedAt ? new Date(u.passwordChangedAt).toISOString() : null,
  };
}
