import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import { Page, PageOf, pageOf } from 'src/common/validation/page';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { AuditService } from './audit.service';
import { AuditEntryDto, AuditVerificationDto, ListAuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('monitor', 'admin')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** The audit trail, newest first, filtered by entity, actor, action and time. */
  @Get()
  @ApiOkResponse({ type: PageOf(AuditEntryDto) })
  @ApiErrors(400)
  async list(
    @Query() query: ListAuditQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<Page<AuditEntryDto>> {
    const { page, pageSize } = pageOf(query);
    const result = await this.audit.list(
      {
        entity: query.entity,
        entityId: query.entityId,
        actorId: query.actorId,
        action: query.action,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      page,
      pageSize,
      actor,
    );
    return {
      ...result,
      items: result.items.map(({ prevHash: _p, ...row }) => ({
        ...row,
        occurredAt: new Date(row.occurredAt).toISOString(),
      })),
    };
  }

  /** Recomputes the audit trail's hash chain and reports the first break, if any. */
  @Get('verify')
  @ApiOkResponse({ type: AuditVerificationDto })
  verify(): Promise<AuditVerificationDto> {
    return this.audit.verify();
  }
}
