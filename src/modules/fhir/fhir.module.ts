import { Module } from '@nestjs/common';
import { ParticipantsModule } from 'src/modules/participants/participants.module';
import { RandomizationModule } from 'src/modules/randomization/randomization.module';
import { SitesModule } from 'src/modules/sites/sites.module';
import { TrialsModule } from 'src/modules/trials/trials.module';
import { FhirController } from './fhir.controller';
import { FhirService } from './fhir.service';

/** FHIR R4 read-only endpoints (issue 17): read models over the owners' readers, no tables. */
@Module({
  imports: [TrialsModule, SitesModule, ParticipantsModule, RandomizationModule],
  controllers: [FhirController],
  providers: [FhirService],
})
export class FhirModule {}
