import { Module } from '@nestjs/common';
import { TrialsModule } from 'src/modules/trials/trials.module';
import { SitesController } from './sites.controller';
import { SitesReader } from './sites.reader';
import { SitesRepository } from './sites.repository';
import { SitesService } from './sites.service';

@Module({
  imports: [TrialsModule],
  controllers: [SitesController],
  providers: [SitesRepository, SitesService, SitesReader],
  exports: [SitesService, SitesReader],
})
export class SitesModule {}
