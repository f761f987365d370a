import { getQueueToken } from '@nestjs/bull';
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { requestContextMiddleware } from './common/context/request-context.middleware';
import { errorBody, HttpErrorFilter, requestIdOf } from './common/errors/http-error.filter';
import { FieldValidationPipe } from './common/validation/validation-errors';
import {
  hostileJsonMiddleware,
  malformedJsonHandler,
} from './common/validation/hostile-json.middleware';
import { NestedShapePipe } from './common/validation/nested-shape.pipe';
import { RejectNulPipe } from './common/validation/reject-nul.pipe';
import { CanonicalUuidPipe } from './common/validation/canonical-uuid.pipe';
import { ALL_QUEUES } from './common/queue/queues';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { AuthService } from './modules/access/auth.service';
import {
  QUEUE_DASHBOARD_COOKIE,
  QUEUE_DASHBOARD_PATH,
  QueueDashboardPass,
} from './modules/access/queue-dashboard';
import { applyOpenApiResponseMetadata } from './web/openapi-responses';
import { MetricsRegistry } from 'src/modules/metrics/metrics.module';
import { mountWebApp, WEB_BASE } from './web/web-app';

export const OPENAPI_PATH = 'docs';

/** Pipes, filters, middleware and docs shared by main.ts and the test harness. */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(requestContextMiddleware);
  app.use(app.get(MetricsRegistry).middleware);
  app.use(helmet());
  // Reads the Cookie header: only the refresh-token cookie of the sign-in routes is used (src/modules/access/session-cookie.ts).
  app.use(cookieParser());
  const origins = config.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  app.enableCors({
    origin: origins.length > 0 ? origins : false,
    credentials: false,
    exposedHeaders: ['X-Request-Id'],
  });
  app.use(noStoreForApi);
  app.useBodyParser('json', { limit: '256kb' });
  app.use(malformedJsonHandler, hostileJsonMiddleware);
  app.useGlobalPipes(
    new RejectNulPipe(),
    new CanonicalUuidPipe(),
    new FieldValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      stopAtFirstError: false,
    }),
    new NestedShapePipe(),
  );
  app.useGlobalFilters(new HttpErrorFilter());
  mountBullBoard(app);
  mountWebApp(app, { production: config.NODE_ENV === 'production' });
  applyOpenApiResponseMetadata();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('RAM-MS trial management API')
      .setDescription(
        'Enrolment, eligibility, randomisation, transplant slots, follow-up and audit for RAM-MS',
      )
      .setVersion('1')
      .addServer('/', 'This server')
      .addBearerAuth()
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup(OPENAPI_PATH, app, publicWithoutSecurity(document));
}

/**
 * `Cache-Control: no-store` on every API answer (sign-in tokens, identities, anything a signed-in
 * user reads): no browser or proxy keeps a copy. The web application's files (/app/) and the
 * OpenAPI pages keep their own caching; a handler may still set a stricter header of its own.
 */
function noStoreForApi(req: Request, res: Response, next: NextFunction): void {
  const p = req.path;
  const web = p === WEB_BASE || p.startsWith(`${WEB_BASE}/`);
  const docs = p === `/${OPENAPI_PATH}` || p.startsWith(`/${OPENAPI_PATH}`);
  if (!web && !docs) {
    res.setHeader('Cache-Control', 'no-store');
  }
  next();
}

/**
 * Every operation needs the bearer token (the document's root `security`) except the public
 * ones (`x-public`, from @Public()), which say so with an empty `security`.
 */
function publicWithoutSecurity(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const op of [item.get, item.put, item.post, item.delete, item.patch]) {
      if (op && (op as { 'x-public'?: boolean })['x-public'] === true) {
        op.security = [];
      }
    }
  }
  return document;
}

/**
 * The Bull dashboard, for admins only: a bearer token (scripts) or the browser pass an admin's
 * page asks for (a cookie for this path only, see access/queue-dashboard.ts), checked like any route.
 */
function mountBullBoard(app: INestApplication): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map((name) => new BullAdapter(app.get<Queue>(getQueueToken(name)))),
    serverAdapter,
  });
  const auth = app.get(AuthService);
  const pass = app.get(QueueDashboardPass);
  const refuse = (req: Request, res: Response, status: number, code: string, message: string) =>
    res.status(status).json(errorBody(status, code, message, requestIdOf(req, res)));
  const adminOnly = (req: Request, res: Response, next: NextFunction) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const cookie = (req.cookies as Record<string, unknown> | undefined)?.[QUEUE_DASHBOARD_COOKIE];
    if (!bearer && typeof cookie !== 'string') {
      refuse(req, res, 401, 'UNAUTHENTICATED', 'Sign in first: open the dashboard from the app');
      return;
    }
    const actor = bearer
      ? auth.authenticate(bearer).catch(() => null)
      : pass.verify(cookie as string);
    actor.then(
      (a) => {
        if (!a) {
          refuse(req, res, 401, 'INVALID_TOKEN', 'The token is invalid or has expired');
        } else if (a.passwordChangeRequired) {
          refuse(
            req,
            res,
            403,
            'PASSWORD_CHANGE_REQUIRED',
            'Choose a new password first (POST /auth/password)',
          );
        } else if (a.secondFactorEnrolmentRequired) {
          // A session restricted to setting up its second factor may do nothing else.
          refuse(
            req,
            res,
            403,
            'SECOND_FACTOR_ENROLMENT_REQUIRED',
            'Your role requires a second factor: set it up first (Security page)',
          );
        } else if (a.role !== 'admin') {
          refuse(req, res, 403, 'FORBIDDEN', 'This action needs one of the roles: admin');
        } else {
          next();
        }
      },
      () => refuse(req, res, 401, 'INVALID_TOKEN', 'The token is invalid or has expired'),
    );
  };
  app.use(QUEUE_DASHBOARD_PATH, cookieParser(), adminOnly, serverAdapter.getRouter());
}
