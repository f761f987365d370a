import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import { ROLES } from 'src/common/context/roles';
import { Roles } from 'src/common/context/access.decorators';
import { CreateSiteDto, ListSitesQueryDto, SiteResponseDto, UpdateSiteDto } from './dto/site.dto';
import { toSiteResponse } from './sites.mapper';
import { SitesService } from './sites.service';
import { Idempotent } from 'src/kernel/idempotency/idempotent.decorator';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

@ApiTags('sites')
@ApiBearerAuth()
@Controller('sites')
@NotClinicalWrite()
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
  @Idempotent(SiteResponseDto)
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
}
