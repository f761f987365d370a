import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ROLES } from 'src/common/context/roles';
import { Roles } from 'src/common/context/access.decorators';
import { CreateSiteDto, ListSitesQueryDto, SiteResponseDto, UpdateSiteDto } from './dto/site.dto';
import { toSiteResponse } from './sites.mapper';
import { SitesService } from './sites.service';

@ApiTags('sites')
@ApiBearerAuth()
@Controller('sites')
export class SitesController {
  constructor(private readonly sites: SitesService) {}

  /** Sites are reference data: every signed-in role may list them. */
  @Get()
  @Roles(...ROLES)
  async list(@Query() query: ListSitesQueryDto): Promise<SiteResponseDto[]> {
    return (await this.sites.list(query)).map(toSiteResponse);
  }

  @Get(':id')
  @Roles(...ROLES)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<SiteResponseDto> {
    return toSiteResponse(await this.sites.get(id));
  }

  @Post()
  @Roles('admin')
  async create(@Body() dto: CreateSiteDto): Promise<SiteResponseDto> {
    return toSiteResponse(await this.sites.create(dto));
  }

  @Patch(':id')
  @Roles('admin')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateSiteDto,
  ): Promise<SiteResponseDto> {
    return toSiteResponse(await this.sites.update(id, dto));
  }
}
