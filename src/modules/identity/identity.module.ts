import { Module } from '@nestjs/common';
import { IdentityRepository } from './identity.repository';
import { IdentityService } from './identity.service';

/** The identity vault. Its HTTP routes live in the participants module, which owns access. */
@Module({
  providers: [IdentityRepository, IdentityService],
  exports: [IdentityService],
})
export class IdentityModule {}
