import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Actor } from 'src/common/context/request-context';
import { ApiErrors } from 'src/common/errors/api-errors';
import { AdminPasswordResetDto, AdminPasswordResetResponseDto } from './dto/password.dto';
import { PasswordsService } from './passwords.service';
import { toUserResponse } from './users.mapper';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

@ApiTags('admin: users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
@NotClinicalWrite()
export class UserPasswordsController {
  constructor(private readonly passwords: PasswordsService) {}

  /**
   * Resets an account's password to a temporary one, shown once in this answer (hand it over by
   * another channel). The account's sessions end and it must choose its own password at the next
   * sign-in. Audited, with the reason; the password is stored only as its hash.
   */
  @Post(':id/password-reset')
  @HttpCode(200)
  @ApiOkResponse({ type: AdminPasswordResetResponseDto })
  @ApiErrors(400, 404, { 409: 'USER_SELF_PASSWORD_RESET: change your own password instead' })
  async reset(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AdminPasswordResetDto,
    @CurrentActor() actor: Actor,
  ): Promise<AdminPasswordResetResponseDto> {
    const { temporaryPassword, user } = await this.passwords.adminReset(id, actor, dto.reason);
    return { temporaryPassword, user: toUserResponse(user) };
  }
}
