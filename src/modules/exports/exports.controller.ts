import {
  Body,
  Controller,
  Get,
  Header,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Actor } from 'src/common/context/request-context';
import type { Role } from 'src/common/context/roles';
import { ApiErrors } from 'src/common/errors/api-errors';
import { type Page, PageOf, PageQueryDto } from 'src/common/validation/page';
import type { Dictionary } from './dictionary/dictionary.types';
import { DictionaryDto, DictionaryQueryDto } from './dto/dictionary.dto';
import { ExportDto, ExportRequestDto, toExportDto } from './dto/export.dto';
import { ExportRequestsService } from './export-requests.service';
import { ExportsService } from './exports.service';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

/** The dictionary holds no data: every role that works with the trial's data may read it. */
const DICTIONARY_READERS: Role[] = [
  'statistician',
  'monitor',
  'admin',
  'coordinator',
  'investigator',
  'site_staff',
  'blinded_assessor',
];

/**
 * Who may export clinical data: every clinical role, within its scope (the admin is configuration
 * only: no clinical data). Blinded roles get blinded exports.
 */
const EXPORTERS: Role[] = [
  'statistician',
  'monitor',
  'coordinator',
  'investigator',
  'site_staff',
  'blinded_assessor',
];

@ApiTags('exports')
@ApiBearerAuth()
@Controller('exports')
@NotClinicalWrite()
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly requests: ExportRequestsService,
  ) {}

  /**
   * The data dictionary of the exports: datasets and variables (stable names, labels, types,
   * units, code lists with numeric codes). Blinded roles always get the blinded dictionary.
   */
  @Get('dictionary')
  @Roles(...DICTIONARY_READERS)
  @ApiErrors(400)
  @ApiOkResponse({ type: DictionaryDto })
  dictionary(@Query() query: DictionaryQueryDto, @CurrentActor() actor: Actor): Dictionary {
    return this.exports.dictionary(actor, query.blinded === true);
  }

  /**
   * Starts an export of the sites in your scope (or the `siteIds` given) in one format; it runs
   * in the background: poll GET /exports/{id} for its progress and files.
   */
  @Post()
  @Roles(...EXPORTERS)
  @ApiErrors(400)
  @ApiCreatedResponse({ type: ExportDto })
  async create(@Body() body: ExportRequestDto, @CurrentActor() actor: Actor): Promise<ExportDto> {
    return toExportDto(await this.requests.request(actor, body));
  }

  /** Your exports, newest first. */
  @Get()
  @Roles(...EXPORTERS)
  @ApiErrors(400)
  @ApiOkResponse({ type: PageOf(ExportDto) })
  async list(@Query() query: PageQueryDto, @CurrentActor() actor: Actor): Promise<Page<ExportDto>> {
    const page = await this.requests.list(actor, query);
    return { ...page, items: page.items.map(toExportDto) };
  }

  /** One of your exports: status, progress, and its files with their SHA-256. */
  @Get(':id')
  @Roles(...EXPORTERS)
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: ExportDto })
  async one(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<ExportDto> {
    return toExportDto(await this.requests.one(actor, id));
  }

  /** Downloads a file of a finished export (yours; the statistician may download any). */
  @Get(':id/files/:name')
  @Roles(...EXPORTERS)
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('application/octet-stream')
  @ApiErrors(400, 404)
  @ApiOkResponse({
    description: 'The file',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  async file(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('name') name: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.requests.file(actor, id, name);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Disposition', `attachment; filename="${file.name}"`);
    return new StreamableFile(file.stream);
  }
}
