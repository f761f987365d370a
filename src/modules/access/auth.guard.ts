import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Actor, RequestContext } from 'src/common/context/request-context';
import {
  ALLOW_DURING_ENROLMENT_KEY,
  PUBLIC_KEY,
  ROLES_KEY,
} from 'src/common/context/access.decorators';
import { AuthErrors } from './auth.errors';
import { AuthService } from './auth.service';
import { PASSWORD_CHANGE_ALLOWED_KEY } from './password-change.decorator';
import { PasswordErrors } from './passwords.errors';
import { SecondFactorErrors } from './second-factor/second-factor.errors';
import type { Role } from 'src/common/context/roles';

/**
 * Global guard, deny by default: a route must be @Public() or name its @Roles(...). A route that
 * declares neither is refused (and a unit test fails on it before it ever ships). An account that
 * must change its password reaches only the routes marked @AllowedBeforePasswordChange(); a
 * session whose role requires a second factor not yet set up, only those marked
 * @AllowDuringEnrolment().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      return true;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0) {
      throw AuthErrors.undeclared();
    }

    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      throw AuthErrors.missingToken();
    }
    const { passwordChangeRequired, secondFactorEnrolmentRequired, ...actor } =
      await this.auth.authenticate(match[1]);
    // A temporary password (generated, or an admin's reset) opens only the way to change it.
    if (
      passwordChangeRequired &&
      !this.reflector.getAllAndOverride<boolean>(PASSWORD_CHANGE_ALLOWED_KEY, targets)
    ) {
      throw PasswordErrors.changeRequired();
    }
    // A session whose role requires a second factor not yet set up may only set it up.
    if (
      secondFactorEnrolmentRequired &&
      !this.reflector.getAllAndOverride<boolean>(ALLOW_DURING_ENROLMENT_KEY, targets)
    ) {
      throw SecondFactorErrors.enrolmentRequired();
    }
    // The acting role alone decides, never another role the user also holds.
    if (!roles.includes(actor.role as Role)) {
      throw AuthErrors.forbidden(roles);
    }
    req.actor = actor;
    RequestContext.setActor(actor);
    return true;
  }
}
