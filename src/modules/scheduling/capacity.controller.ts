import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DomainError } from 'src/common/errors/domain-error';
import { Roles } from 'src/common/context/access.decorators';
import { CapacityService } from './capacity.service';
import { CapacityQueryDto, CapacityResponseDto, QUARTER, SetCapacityDto } from './dto/capacity.dto';

/** A transplant centre's places per quarter (the scheduling module owns capacity). */
@ApiTags('sites')
@ApiBearerAuth()
@Controller('sites')
export class CapacityController {
  constructor(private readonly capacities: CapacityService) {}

  @Get(':id/capacity')
  @Roles('admin', 'coordinator', 'investigator', 'site_staff', 'monitor', 'statistician')
  capacity(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: CapacityQueryDto,
  ): Promise<CapacityResponseDto[]> {
    return this.capacities.capacity(id, query.from, query.to);
  }

  @Put(':id/capacity/:quarter')
  @Roles('admin')
  setCapacity(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('quarter') quarter: string,
    @Body() dto: SetCapacityDto,
  ): Promise<CapacityResponseDto> {
    if (!QUARTER.test(quarter)) {
      throw new DomainError('QUARTER_INVALID', 'bad_request', 'quarter must look like 2027-Q3');
    }
    return this.capacities.setCapacity(id, quarter, dto.capacity, dto.reason);
  }
}
