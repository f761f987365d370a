import { Idempotent } from 'src/kernel/idempotency/idempotent.decorator';
import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { ApiErrors } from 'src/common/errors/api-errors';
import { ConsentRenewalService } from './consent-renewal.service';
import {
  ReconsentPendingDto,
  ReconsentPendingQueryDto,
  ReconsentRecordedDto,
  RecordReconsentDto,
} from './dto/reconsent.dto';

@ApiTags('eligibility')
@ApiBearerAuth()
@Controller()
export class ConsentRenewalController {
  constructor(private readonly renewals: ConsentRenewalService) {}

  /** Participants (own sites) who must consent again to the trial's current consent version. */
  @Get('reconsent/pending')
  @Roles('coordinator', 'investigator', 'monitor')
  @ApiErrors(400)
  async pending(
    @Query() query: ReconsentPendingQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<ReconsentPendingDto> {
    const result = await this.renewals.pending(actor, query.siteId ?? null);
    return {
      ...result,
      items: result.items.map((i) => ({ ...i, consentedOn: String(i.consentedOn) })),
    };
  }

  /** Records re-consent to the current consent version after a protocol amendment (audited). */
  @Post('participants/:id/reconsent')
  @Idempotent(ReconsentRecordedDto)
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404, 409)
  async record(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordReconsentDto,
    @CurrentActor() actor: Actor,
  ): Promise<ReconsentRecordedDto> {
    return this.renewals.record(id, dto, actor);
  }
}
