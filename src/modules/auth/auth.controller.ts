import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Actor } from 'src/common/context/request-context';
import { ROLES } from 'src/common/context/roles';
import { UserResponseDto } from 'src/modules/users/dto/user.dto';
import { toUserResponse } from 'src/modules/users/users.mapper';
import { UsersService } from 'src/modules/users/users.service';
import { CurrentActor, Public, Roles } from 'src/common/context/access.decorators';
import { AuthService } from './auth.service';
import { LoginDto, LoginResponseDto, SwitchRoleDto } from './dto/login.dto';
import { LoginThrottlerGuard } from './login-throttler.guard';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Post('login')
  @Public()
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({
    description: 'E-mail or password is incorrect, or the account is deactivated',
  })
  @ApiForbiddenResponse({
    description: 'ROLE_NOT_ALLOWED: the account may not act in the role asked for',
  })
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(200)
  async login(@Body() dto: LoginDto): Promise<LoginResponseDto> {
    const { accessToken, expiresIn, actingRole, user } = await this.auth.login(
      dto.email,
      dto.password,
      dto.role,
    );
    return { accessToken, expiresIn, actingRole, user: toUserResponse(user) };
  }

  /** A new token acting in another of the account's roles; the old token stays valid until it expires. */
  @Post('role')
  @ApiBearerAuth()
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiForbiddenResponse({ description: 'ROLE_NOT_ALLOWED: the account may not act in this role' })
  @Roles(...ROLES)
  @HttpCode(200)
  async switchRole(
    @Body() dto: SwitchRoleDto,
    @CurrentActor() actor: Actor,
  ): Promise<LoginResponseDto> {
    const { accessToken, expiresIn, actingRole, user } = await this.auth.switchRole(
      actor,
      dto.role,
    );
    return { accessToken, expiresIn, actingRole, user: toUserResponse(user) };
  }

  @Get('me')
  @ApiBearerAuth()
  @Roles(...ROLES)
  async me(@CurrentActor() actor: Actor): Promise<UserResponseDto> {
    return toUserResponse(await this.users.get(actor.id as string));
  }
}
