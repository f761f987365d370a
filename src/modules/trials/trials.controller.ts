import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from 'src/common/context/access.decorators';
import { ROLES } from 'src/common/context/roles';
import { TrialsService } from './trials.service';

@ApiTags('trial')
@ApiBearerAuth()
@Controller('trial')
export class TrialsController {
  constructor(private readonly trials: TrialsService) {}

  @Get()
  @Roles(...ROLES)
  async get(): Promise<{ id: string; code: string; name: string }> {
    const { id, code, name } = await this.trials.current();
    return { id, code, name };
  }
}
