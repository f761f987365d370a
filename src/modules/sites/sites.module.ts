import { Module } from '@nestjs/common';
import { TrialsModule } from 'src/modules/trials/trials.module';
import { SitesController } from './sites.controller';
import { SitesRepository } from './sites.repository';
import { SitesService } from './sites.service';

@Module({
  imports: [TrialsModule],
  controllers: [SitesController],
  providers: [SitesRepository, SitesService],
  exports: [SitesService],
})
export class SitesModule {}
