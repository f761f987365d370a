import { Module } from '@nestjs/common';
import { EligibilityModule } from 'src/modules/eligibility/eligibility.module';
import { ParticipantsModule } from 'src/modules/participants/participants.module';
import { SitesModule } from 'src/modules/sites/sites.module';
import { PrescreeningController } from './prescreening.controller';
import { PrescreeningService } from './prescreening.service';

/** Routes anyone may call without signing in, all under /public/ and all rate-limited. */
@Module({
  imports: [ParticipantsModule, EligibilityModule, SitesModule],
  controllers: [PrescreeningController],
  providers: [PrescreeningService],
})
export class PublicModule {}
