import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NoBody, NoBodyDoc } from 'src/common/validation/no-body';
import type { Request } from 'express';
import { CurrentActor, Public, Roles } from 'src/common/context/access.decorators';
import type { Actor } from 'src/common/context/request-context';
import { ROLES } from 'src/common/context/roles';
import { ApiErrors } from 'src/common/errors/api-errors';
import { AuthService } from './auth.service';
import { LoginResponseDto, SignedOutResponseDto } from './dto/login.dto';
import { presentedRefreshToken, SESSION_COOKIE } from './session-cookie';
import { AllowDuringEnrolment } from 'src/common/context/access.decorators';
import { AllowedBeforePasswordChange } from './password-change.decorator';
import { toSessionResponse } from './sessions.mapper';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

/** Renewing and ending sessions: the refresh token travels only in the httpOnly cookie. */
@ApiTags('auth')
@Controller('auth')
@NotClinicalWrite()
export class SessionsController {
  constructor(private readonly auth: AuthService) {}

  /**
   * Renews the session from its refresh cookie (no body): a new access token, and the next
   * refresh token in the cookie. A refresh token works once: a used one presented again ends
   * the whole session (401 REFRESH_REUSED).
   */
  @Post('refresh')
  @NoBodyDoc()
  @Public()
  @ApiCookieAuth(SESSION_COOKIE)
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrors(400, {
    401: 'INVALID_REFRESH (no, an unknown or an ended session), REFRESH_REUSED (the session is ended), SESSION_EXPIRED (idle or absolute limit)',
  })
  async refresh(@Req() req: Request, @Body(NoBody) _body: unknown): Promise<LoginResponseDto> {
    return toSessionResponse(await this.auth.refresh(presentedRefreshToken(req)));
  }

  /** Signs out this session (its cookie, or the bearer token's session); the cookie is cleared. */
  @Post('logout')
  @NoBodyDoc()
  @Public()
  @ApiCookieAuth(SESSION_COOKIE)
  @HttpCode(200)
  @ApiOkResponse({ type: SignedOutResponseDto })
  @ApiErrors(400)
  async logout(@Req() req: Request, @Body(NoBody) _body: unknown): Promise<SignedOutResponseDto> {
    const actor = await this.bearerActor(req);
    return { sessionsEnded: await this.auth.logout(presentedRefreshToken(req), actor) };
  }

  /** Signs out every session of the signed-in account, on every computer, and ends its tokens. */
  @Post('logout-everywhere')
  @NoBodyDoc()
  @ApiBearerAuth()
  @Roles(...ROLES)
  @AllowedBeforePasswordChange()
  @AllowDuringEnrolment()
  @HttpCode(200)
  @ApiOkResponse({ type: SignedOutResponseDto })
  @ApiErrors(400)
  async logoutEverywhere(
    @CurrentActor() actor: Actor,
    @Body(NoBody) _body: unknown,
  ): Promise<SignedOutResponseDto> {
    return { sessionsEnded: await this.auth.logoutEverywhere(actor) };
  }

  /** The actor of a bearer token sent to the public sign-out, if it is still valid. */
  private async bearerActor(req: Request): Promise<Actor | null> {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return match ? this.auth.authenticate(match[1]).catch(() => null) : null;
  }
}
