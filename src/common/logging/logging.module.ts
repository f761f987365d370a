import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { RequestContext } from 'src/common/context/request-context';

/**
 * Structured JSON logs. A request is logged by method, route path, status, duration and id:
 * never bodies, query strings or headers, so no personal data reaches the logs.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.LOG_LEVEL,
          genReqId: (req: IncomingMessage & { id?: unknown }) =>
            typeof req.id === 'string' ? req.id : (RequestContext.requestId() ?? 'unknown'),
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              // A calendar feed's address holds its secret: logged without it.
              path: req.url.split('?')[0].replace(/\/feeds\/[^/]+/, '/feeds/[secret]'),
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          redact: {
            paths: ['req.headers', 'password', '*.password', 'token', '*.token'],
            remove: true,
          },
          customProps: () => {
            const actor = RequestContext.actor();
            return { actorId: actor.id, actorRole: actor.role };
          },
          autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
