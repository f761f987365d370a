import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock/clock';
import { CryptoRandomSource, RandomSource } from './random/random-source';

@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: RandomSource, useClass: CryptoRandomSource },
  ],
  exports: [Clock, RandomSource],
})
export class CommonModule {}
