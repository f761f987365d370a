import { Module } from '@nestjs/common';
import { IdentityApi } from './identity.api';
import { IdentityRepository } from './identity.repository';
import { IdentityService } from './identity.service';

/** The identity vault. Its HTTP routes live in the participants module, which owns access. */
@Module({
  providers: [IdentityRepository, IdentityService, IdentityApi],
  exports: [IdentityService, IdentityApi],
})
export class IdentityModule {}
