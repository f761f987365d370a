import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Actor } from 'src/common/context/request-context';
import { Page, PageOf, pageOf } from 'src/common/validation/page';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import {
  CreateUserDto,
  DeactivateUserDto,
  ListUsersQueryDto,
  UpdateUserDto,
  UserResponseDto,
} from './dto/user.dto';
import { toUserResponse } from './users.mapper';
import { UsersService } from './users.service';
import { Idempotent } from 'src/kernel/idempotency/idempotent.decorator';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

@ApiTags('admin: users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
@NotClinicalWrite()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** Accounts, filtered and paged. */
  @Get()
  @ApiOkResponse({ type: PageOf(UserResponseDto) })
  @ApiErrors(400)
  async list(@Query() query: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    const { page, pageSize } = pageOf(query);
    const result = await this.users.list(query, page, pageSize);
    return { ...result, items: result.items.map(toUserResponse) };
  }

  /** Accounts whose roles break the combination rules; each acts only in its least privileged role until resolved. */
  @Get('role-conflicts')
  @ApiOkResponse({ type: [UserResponseDto] })
  async conflicts(): Promise<UserResponseDto[]> {
    return (await this.users.conflicted()).map(toUserResponse);
  }

  /** One account. */
  @Get(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<UserResponseDto> {
    return toUserResponse(await this.users.get(id));
  }

  /** Creates an account with its roles, site memberships or trial-wide scope. */
  @Post()
  @ApiCreatedResponse({ type: UserResponseDto })
  @Idempotent(UserResponseDto)
  @ApiErrors(400, {
    409: 'USER_EMAIL_TAKEN; ROLE_COMBINATION_FORBIDDEN (errors[] names each forbidden pair)',
  })
  async create(@Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return toUserResponse(await this.users.create(dto));
  }

  /** Changes an account's name, roles, memberships or scope, with a reason (audited). */
  @Patch(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(400, 404, {
    409: 'ROLE_COMBINATION_FORBIDDEN, USER_SELF_ROLE_CHANGE, LAST_ADMIN',
  })
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
    @CurrentActor() actor: Actor,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.users.update(id, dto, actor));
  }

  /** Deactivates an account, with a reason: it can no longer sign in. */
  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(400, 404, { 409: 'USER_SELF_DEACTIVATION, LAST_ADMIN' })
  async deactivate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DeactivateUserDto,
    @CurrentActor() actor: Actor,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.users.setActive(id, false, actor, dto.reason));
  }

  /** Reactivates a deactivated account, with a reason. */
  @Post(':id/reactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(400, 404)
  @ApiErrors(409)
  async reactivate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DeactivateUserDto,
    @CurrentActor() actor: Actor,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.users.setActive(id, true, actor, dto.reason));
  }
}
