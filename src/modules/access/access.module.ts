import { StaffApi } from './staff.api';
import { UsersReader } from './users.reader';
import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { RateLimitModule } from 'src/common/throttling/rate-limit.module';
import { RateLimitStorage } from 'src/common/throttling/rate-limit.storage';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { NotificationsModule } from 'src/modules/notifications/notifications.module';
import { SitesModule } from 'src/modules/sites/sites.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { CalendarFeeds } from './calendar-feeds.api';
import { CalendarFeedsController } from './calendar-feeds.controller';
import { QueueDashboardPass } from './queue-dashboard';
import { QueueDashboardController } from './queue-dashboard.controller';
import { PasswordsController } from './passwords.controller';
import { PasswordsRepository } from './passwords.repository';
import { PasswordsService } from './passwords.service';
import { RoleConflictsCheck } from './role-conflicts.check';
import { SignatureAttempts } from './signature-attempts';
import { SessionCookieInterceptor } from './session-cookie';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { SecondFactorSignIn } from './second-factor/second-factor-sign-in.service';
import {
  SecondFactorAdminController,
  SecondFactorController,
} from './second-factor/second-factor.controller';
import { SecondFactorRepository } from './second-factor/second-factor.repository';
import { SecondFactorService } from './second-factor/second-factor.service';
import { OidcClient } from './oidc-client';
import { SignaturesApi } from './signatures.api';
import { SigningService } from './signing.service';
import { SsoController } from './sso.controller';
import { SsoRepository } from './sso.repository';
import { SsoService } from './sso.service';
import { StaffController } from './staff.controller';
import { UserPasswordsController } from './user-passwords.controller';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/**
 * Access: staff accounts (users, their roles and dated site memberships), sign-in and the acting
 * role, and the global guard that denies every route without `@Roles`/`@Public`.
 */
@Module({
  imports: [
    SitesModule,
    NotificationsModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.JWT_SECRET,
        signOptions: { expiresIn: config.JWT_TTL_SECONDS, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    // Counted in Redis, shared by all API processes (per-process fallback: RateLimitStorage).
    // `default` is the public routes' (each sets its own); sign-in, signatures and password
    // resets have their own named limits (login-throttler.guard.ts and its siblings).
    ThrottlerModule.forRootAsync({
      imports: [RateLimitModule],
      inject: [APP_CONFIG, RateLimitStorage],
      useFactory: (config: AppConfig, storage: RateLimitStorage) => ({
        throttlers: [{ ttl: 60_000, limit: config.LOGIN_RATE_LIMIT_PER_MINUTE }],
        storage,
      }),
    }),
    RateLimitModule,
  ],
  controllers: [
    AuthController,
    SessionsController,
    PasswordsController,
    UsersController,
    UserPasswordsController,
    StaffController,
    CalendarFeedsController,
    QueueDashboardController,
    SecondFactorController,
    SecondFactorAdminController,
    SsoController,
  ],
  providers: [
    StaffApi,
    UsersReader,
    UsersRepository,
    UsersService,
    RoleConflictsCheck,
    AuthService,
    CalendarFeeds,
    QueueDashboardPass,
    SignatureAttempts,
    SessionsRepository,
    SessionsService,
    PasswordsRepository,
    PasswordsService,
    SecondFactorRepository,
    SecondFactorService,
    SecondFactorSignIn,
    OidcClient,
    SsoRepository,
    SsoService,
    SigningService,
    SignaturesApi,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: SessionCookieInterceptor },
  ],
  exports: [
    AuthService,
    UsersService,
    CalendarFeeds,
    SessionsService,
    PasswordsService,
    UsersReader,
    StaffApi,
    SignaturesApi,
  ],
})
export class AccessModule {}
