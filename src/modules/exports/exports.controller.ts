import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Actor } from 'src/common/context/request-context';
import type { Role } from 'src/common/context/roles';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Dictionary } from './dictionary/dictionary.types';
import { DictionaryDto, DictionaryQueryDto } from './dto/dictionary.dto';
import { ExportsService } from './exports.service';

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

@ApiTags('exports')
@ApiBearerAuth()
@Controller('exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

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
}
