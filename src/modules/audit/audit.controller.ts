import { Controller, Get, Header, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError } from 'src/common/errors/domain-error';
import { STUDY_ID_PATTERN } from 'src/modules/participants/participants.reader';
import { ApiErrors } from 'src/common/errors/api-errors';
import { Page, PageOf, pageOf } from 'src/common/validation/page';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { AuditService } from './audit.service';
import { historyCsv } from './history-csv';
import { AuditEntryDto, AuditVerificationDto, ListAuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('monitor', 'admin')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /**
   * The audit trail, newest first, filtered by entity, participant (study id), actor, action and
   * time; each row with the actor's name, the participant's study id and the changes in words.
   */
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
        studyId: query.studyId,
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

  /**
   * A participant's whole history as CSV (oldest first, one line per changed field): seq, time,
   * actor name, role, action, record, field, before, after, reason. By study id (pseudonymous).
   */
  @Get('participants/:studyId/history.csv')
  @Roles('monitor')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('text/csv')
  @ApiErrors(400, 404)
  @ApiOkResponse({
    description: 'The history, text/csv',
    content: { 'text/csv': { schema: { type: 'string', format: 'binary' } } },
  })
  async history(
    @Param('studyId') studyId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    if (!STUDY_ID_PATTERN.test(studyId)) {
      throw new DomainError(
        'STUDY_ID_INVALID',
        'bad_request',
        'studyId must be a study id such as NL-AMS-0001',
      );
    }
    const csv = historyCsv(await this.audit.history(studyId));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${studyId}-history.csv"`);
    return new StreamableFile(Buffer.from(csv, 'utf8'));
  }

  /** Recomputes the audit trail's hash chain and reports the first break, if any. */
  @Get('verify')
  @ApiOkResponse({ type: AuditVerificationDto })
  verify(): Promise<AuditVerificationDto> {
    return this.audit.verify();
  }
}
