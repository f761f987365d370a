import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import { ROLES } from 'src/common/context/roles';
import { Roles } from 'src/modules/auth/auth.decorators';
import { DomainError } from 'src/common/errors/domain-error';
import {
  CapacityQueryDto,
  CapacityResponseDto,
  CreateSiteDto,
  ListSitesQueryDto,
  SetCapacityDto,
  SiteResponseDto,
  UpdateSiteDto,
} from './dto/site.dto';
import { toSiteResponse } from './sites.mapper';
import { SitesService } from './sites.service';

const QUARTER = /^\d{4}-Q[1-4]$/;

@ApiTags('sites')
@ApiBearerAuth()
@Controller('sites')
export class SitesController {
  constructor(private readonly sites: SitesService) {}

  /** Sites are reference data: every signed-in role may list them. */
  @Get()
  @Roles(...ROLES)
  @ApiErrors(400)
  async list(@Query() query: ListSitesQueryDto): Promise<SiteResponseDto[]> {
    return (await this.sites.list(query)).map(toSiteResponse);
  }

  /** One site. */
  @Get(':id')
  @Roles(...ROLES)
  @ApiErrors(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<SiteResponseDto> {
    return toSiteResponse(await this.sites.get(id));
  }

  /** Creates a site (screening site and/or transplant centre). */
  @Post()
  @Roles('admin')
  @ApiErrors(400, 409)
  async create(@Body() dto: CreateSiteDto): Promise<SiteResponseDto> {
    return toSiteResponse(await this.sites.create(dto));
  }

  /** Changes a site, with a reason (audited). */
  @Patch(':id')
  @Roles('admin')
  @ApiErrors(400, 404, 409)
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateSiteDto,
  ): Promise<SiteResponseDto> {
    return toSiteResponse(await this.sites.update(id, dto));
  }

  /** A transplant centre's places per quarter and how many are booked. */
  @Get(':id/capacity')
  @Roles('admin', 'coordinator', 'investigator', 'site_staff', 'monitor', 'statistician')
  @ApiErrors(400, 404)
  capacity(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: CapacityQueryDto,
  ): Promise<CapacityResponseDto[]> {
    return this.sites.capacity(id, query.from, query.to);
  }

  /** Sets a transplant centre's places in a quarter; refused below the places already booked. */
  @Put(':id/capacity/:quarter')
  @Roles('admin')
  @ApiErrors(400, 404, 409)
  setCapacity(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('quarter') quarter: string,
    @Body() dto: SetCapacityDto,
  ): Promise<CapacityResponseDto> {
    if (!QUARTER.test(quarter)) {
      throw new DomainError('QUARTER_INVALID', 'bad_request', 'quarter must look like 2027-Q3');
    }
    return this.sites.setCapacity(id, quarter, dto.capacity, dto.reason);
  }
}
