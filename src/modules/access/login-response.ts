import type { LoginResponseDto } from './dto/login.dto';
import type { Session } from './auth.service';
import { toUserResponse } from './users.mapper';

/** A minted session as the API answers it. */
export function toLoginResponse(s: Session): LoginResponseDto {
  return {
    accessToken: s.accessToken,
    expiresIn: s.expiresIn,
    actingRole: s.actingRole,
    user: toUserResponse(s.user),
    ...(s.secondFactorEnrolmentRequired ? { secondFactorEnrolmentRequired: true } : {}),
  };
}
