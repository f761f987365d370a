import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Roles } from 'src/common/context/access.decorators';
import { ROLES } from 'src/common/context/roles';
import { TrialsService } from './trials.service';

export class TrialDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'RAM-MS' }) code: string;
  @ApiProperty() name: string;
}

@ApiTags('trial')
@ApiBearerAuth()
@Controller('trial')
export class TrialsController {
  constructor(private readonly trials: TrialsService) {}

  /** The trial this system runs. */
  @Get()
  @Roles(...ROLES)
  @ApiOkResponse({ type: TrialDto })
  async get(): Promise<TrialDto> {
    const { id, code, name } = await this.trials.current();
    return { id, code, name };
  }
}
