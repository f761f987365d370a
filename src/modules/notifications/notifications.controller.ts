import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import { ArrayMaxSize, IsArray, IsOptional } from 'class-validator';
import type { Actor } from 'src/common/context/request-context';
import { PageQueryDto, pageOf } from 'src/common/validation/page';
import { QueryBoolean, ValidateBoolean, ValidateUuid } from 'src/common/validation/validators';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { ROLES } from 'src/common/context/roles';
import { NotificationsService } from './notifications.service';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

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

export class UnreadCountDto {
  @ApiProperty() unread: number;
}

export class MarkedDto {
  @ApiProperty({ description: 'How many notifications were marked read' }) marked: number;
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'visit_due' }) kind: string;
  @ApiProperty() subject: string;
  @ApiProperty() body: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  data?: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: Date | null;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] }) items: NotificationDto[];
  @ApiProperty() total: number;
  @ApiProperty({ description: 'Unread notifications among those matching' }) unread: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

@ApiTags('notifications')
@ApiBearerAuth()
@Roles(...ROLES)
@Controller('notifications')
@NotClinicalWrite()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /** The signed-in user's notifications, newest first. */
  @Get()
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiErrors(400)
  inbox(@Query() query: InboxQueryDto, @CurrentActor() actor: Actor) {
    const { page, pageSize } = pageOf(query);
    return this.notifications.inbox(actor.id as string, query.unread ?? false, page, pageSize);
  }

  /** How many of the user's notifications are unread. */
  @Get('unread-count')
  @ApiOkResponse({ type: UnreadCountDto })
  async unread(@CurrentActor() actor: Actor): Promise<UnreadCountDto> {
    return { unread: await this.notifications.unreadCount(actor.id as string) };
  }

  /** Marks the given notifications (or all) read. */
  @Post('read')
  @HttpCode(200)
  @ApiOkResponse({ type: MarkedDto })
  @ApiErrors(400)
  async markRead(@Body() dto: MarkReadDto, @CurrentActor() actor: Actor): Promise<MarkedDto> {
    const ids = dto.all ? 'all' : (dto.ids ?? []);
    return { marked: await this.notifications.markRead(actor.id as string, ids) };
  }
}
