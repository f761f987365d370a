import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Actor } from 'src/common/context/request-context';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Role } from 'src/common/context/roles';

export const ROLES_KEY = 'auth:roles';
export const PUBLIC_KEY = 'auth:public';

/**
 * The roles allowed on a route (or on every route of a controller). Required unless @Public().
 * The OpenAPI document carries them as `x-roles` on each operation (tests and probes read it),
 * with the 401 (no or a bad token) and 403 (another role, or outside the actor's sites) answers.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiExtension('x-roles', roles),
    ApiErrors(401, { 403: `Only ${roles.join(', ')}; or the record is outside the actor's sites` }),
  );
/** A route anyone may call without a token (`x-public: true` in the OpenAPI document). */
export const Public = () =>
  applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension('x-public', true));

export const ALLOW_DURING_ENROLMENT_KEY = 'auth:allow-during-second-factor-enrolment';

/**
 * A route a session restricted to setting up the second factor may call (its own account, the
 * set-up itself, the role switch); every other route answers such a session 403
 * SECOND_FACTOR_ENROLMENT_REQUIRED.
 */
export const AllowDuringEnrolment = () =>
  applyDecorators(
    SetMetadata(ALLOW_DURING_ENROLMENT_KEY, true),
    ApiExtension('x-allow-during-second-factor-enrolment', true),
  );

/** The signed-in actor, set by the AuthGuard. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ actor: Actor }>().actor;
});
