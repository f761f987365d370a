import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Page, pageOf } from 'src/common/validation/page';
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

  @Get()
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

  @Get('verify')
  verify(): Promise<AuditVerificationDto> {
    return this.audit.verify();
  }
}
