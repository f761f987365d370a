import { Module } from '@nestjs/common';
import { TrialsController } from './trials.controller';
import { TrialsReader } from './trials.reader';
import { TrialsService } from './trials.service';

@Module({
  controllers: [TrialsController],
  providers: [TrialsService, TrialsReader],
  exports: [TrialsService, TrialsReader],
})
export class TrialsModule {}
