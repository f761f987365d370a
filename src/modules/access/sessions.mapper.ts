import type { Session } from './auth.service';
import type { LoginResponseDto } from './dto/login.dto';
import { toUserResponse } from './users.mapper';

/** The answer of every route that gives a session (sign-in, its second step, role switch, refresh). */
export function toSessionResponse(s: Session): LoginResponseDto {
  return {
    accessToken: s.accessToken,
    expiresIn: s.expiresIn,
    actingRole: s.actingRole,
    user: toUserResponse(s.user),
    idleExpiresIn: s.idleExpiresIn,
    absoluteExpiresIn: s.absoluteExpiresIn,
    ...(s.secondFactorEnrolmentRequired ? { secondFactorEnrolmentRequired: true } : {}),
  };
}
