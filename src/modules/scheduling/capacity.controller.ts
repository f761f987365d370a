import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import { DomainError } from 'src/common/errors/domain-error';
import { Roles } from 'src/common/context/access.decorators';
import { CapacityService } from './capacity.service';
import {
  CapacityQueryDto,
  CapacityResponseDto,
  QUARTER,
  SetCapacityDto,
  SetCapacityResultDto,
} from './dto/capacity.dto';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

/** A transplant centre's places per quarter (the scheduling module owns capacity). */
@ApiTags('sites')
@ApiBearerAuth()
@Controller('sites')
@NotClinicalWrite()
export class CapacityController {
  constructor(private readonly capacities: CapacityService) {}

  /** A transplant centre's places per quarter and how many are booked. */
  @Get(':id/capacity')
  @Roles('admin', 'coordinator', 'investigator', 'site_staff', 'monitor', 'statistician')
  @ApiErrors(400, 404)
  capacity(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: CapacityQueryDto,
  ): Promise<CapacityResponseDto[]> {
    return this.capacities.capacity(id, query.from, query.to);
  }

  /**
   * Sets a transplant centre's places in a quarter; refused below the places already booked. New
   * places go at once to the longest-waiting participants, in randomisation order.
   */
  @Put(':id/capacity/:quarter')
  @Roles('admin')
  @ApiOkResponse({ type: SetCapacityResultDto })
  @ApiErrors(400, 404, 409)
  setCapacity(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('quarter') quarter: string,
    @Body() dto: SetCapacityDto,
  ): Promise<SetCapacityResultDto> {
    if (!QUARTER.test(quarter)) {
      throw new DomainError('QUARTER_INVALID', 'bad_request', 'quarter must look like 2027-Q3');
    }
    return this.capacities.setCapacity(id, quarter, dto.capacity, dto.reason);
  }
}
