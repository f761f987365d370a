import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional } from 'class-validator';
import type { Actor } from 'src/common/context/request-context';
import { PageQueryDto, pageOf } from 'src/common/validation/page';
import { QueryBoolean, ValidateBoolean, ValidateUuid } from 'src/common/validation/validators';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { ROLES } from 'src/common/context/roles';
import { NotificationsService } from './notifications.service';

class InboxQueryDto extends PageQueryDto {
  @QueryBoolean({ description: 'Only unread notifications' })
  unread?: boolean;
}

class MarkReadDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateUuid({ each: true, optional: true })
  ids?: string[];

  @ValidateBoolean({ optional: true, description: 'Mark every notification read' })
  all?: boolean;
}

class UnreadCountDto {
  @ApiProperty() unread: number;
}

@ApiTags('notifications')
@ApiBearerAuth()
@Roles(...ROLES)
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  inbox(@Query() query: InboxQueryDto, @CurrentActor() actor: Actor) {
    const { page, pageSize } = pageOf(query);
    return this.notifications.inbox(actor.id as string, query.unread ?? false, page, pageSize);
  }

  @Get('unread-count')
  async unread(@CurrentActor() actor: Actor): Promise<UnreadCountDto> {
    return { unread: await this.notifications.unreadCount(actor.id as string) };
  }

  @Post('read')
  @HttpCode(200)
  async markRead(
    @Body() dto: MarkReadDto,
    @CurrentActor() actor: Actor,
  ): Promise<{ marked: number }> {
    const ids = dto.all ? 'all' : (dto.ids ?? []);
    return { marked: await this.notifications.markRead(actor.id as string, ids) };
  }
}
