import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Actor } from 'src/common/context/request-context';
import { ROLES } from 'src/common/context/roles';
import { UserResponseDto } from 'src/modules/access/dto/user.dto';
import { toUserResponse } from 'src/modules/access/users.mapper';
import { UsersService } from 'src/modules/access/users.service';
import {
  AllowDuringEnrolment,
  CurrentActor,
  Public,
  Roles,
} from 'src/common/context/access.decorators';
import { AuthService } from './auth.service';
import { LoginDto, LoginResponseDto, SwitchRoleDto } from './dto/login.dto';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { toSessionResponse } from './sessions.mapper';
import { AllowedBeforePasswordChange } from './password-change.decorator';
import { SecondFactorChallengeDto } from './second-factor/second-factor.dto';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

@ApiTags('auth')
@Controller('auth')
@NotClinicalWrite()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  /**
   * Signs in with e-mail and password, acting in one role (the least privileged unless one is
   * chosen). The access token is in the body, the refresh token in an httpOnly cookie (/auth). An
   * account with a second factor gets a challenge for POST /auth/login/second-factor.
   */
  @Post('login')
  @Public()
  @ApiExtraModels(LoginResponseDto, SecondFactorChallengeDto)
  @ApiOkResponse({
    description: 'A session, or (second factor set up) the challenge of the second step',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(LoginResponseDto) },
        { $ref: getSchemaPath(SecondFactorChallengeDto) },
      ],
    },
  })
  @ApiErrors({
    401: 'E-mail or password is incorrect, or the account is deactivated',
    403: 'ROLE_NOT_ALLOWED: the account may not act in the role asked for',
  })
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(200)
  @ApiErrors(400)
  @ApiErrors(400, { 429: 'TOO_MANY_REQUESTS: too many sign-in attempts; retry after Retry-After' })
  async login(@Body() dto: LoginDto): Promise<LoginResponseDto | SecondFactorChallengeDto> {
    const result = await this.auth.login(dto.email, dto.password, dto.role);
    return 'challenge' in result ? result : toSessionResponse(result);
  }

  /** A new token acting in another of the account's roles; the session (and its refresh cookie) stays. */
  @Post('role')
  @ApiBearerAuth()
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrors({ 403: 'ROLE_NOT_ALLOWED: the account may not act in this role' })
  @Roles(...ROLES)
  @AllowDuringEnrolment()
  @HttpCode(200)
  @ApiErrors(400, 409)
  async switchRole(
    @Body() dto: SwitchRoleDto,
    @CurrentActor() actor: Actor,
  ): Promise<LoginResponseDto> {
    return toSessionResponse(await this.auth.switchRole(actor, dto.role));
  }

  /** The signed-in account. */
  @Get('me')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @AllowedBeforePasswordChange()
  @AllowDuringEnrolment()
  async me(@CurrentActor() actor: Actor): Promise<UserResponseDto> {
    return toUserResponse(await this.users.get(actor.id as string));
  }
}
