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
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from 'src/common/context/request-context';
import { Page, pageOf } from 'src/common/validation/page';
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

@ApiTags('admin: users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async list(@Query() query: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    const { page, pageSize } = pageOf(query);
    const result = await this.users.list(query, page, pageSize);
    return { ...result, items: result.items.map(toUserResponse) };
  }

  /** Accounts whose roles break the combination rules; each acts only in its least privileged role until resolved. */
  @Get('role-conflicts')
  async conflicts(): Promise<UserResponseDto[]> {
    return (await this.users.conflicted()).map(toUserResponse);
  }

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<UserResponseDto> {
    return toUserResponse(await this.users.get(id));
  }

  @Post()
  async create(@Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return toUserResponse(await this.users.create(dto));
  }

  @Patch(':id')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
    @CurrentActor() actor: Actor,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.users.update(id, dto, actor));
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  async deactivate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DeactivateUserDto,
    @CurrentActor() actor: Actor,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.users.setActive(id, false, actor, dto.reason));
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  async reactivate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DeactivateUserDto,
    @CurrentActor() actor: Actor,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.users.setActive(id, true, actor, dto.reason));
  }
}
