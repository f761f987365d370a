import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { metricsAccess } from './metrics.access';
import { MetricsRegistry } from './metrics.registry';

/**
 * The worker's own small HTTP port (METRICS_PORT; none when unset), since the worker serves no
 * API: `GET /metrics` for Prometheus under the same rule as the API's route (METRICS_TOKEN as a
 * Bearer token; 404 while it is unset), and `GET /health` (200 while the process runs) for the
 * container's liveness probe. Anything else is a 404. Provided by the WorkerModule only.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private server: Server | null = null;

  constructor(
    private readonly metrics: MetricsRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The port it listens on (null when off). */
  get port(): number | null {
    return (this.server?.address() as AddressInfo | null)?.port ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.METRICS_PORT === undefined) {
      return;
    }
    const server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.METRICS_PORT, this.config.HOST, () => resolve());
    });
    this.server = server;
    this.logger.log(`worker metrics and health on port ${this.port}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || (path !== '/metrics' && path !== '/health')) {
      return this.error(res, 404, 'NOT_FOUND', 'Not found');
    }
    if (path === '/health') {
      return this.json(res, 200, { status: 'ok' });
    }
    const access = metricsAccess(this.config.METRICS_TOKEN, req.headers.authorization);
    if (access === 'disabled') {
      return this.error(res, 404, 'METRICS_DISABLED', 'Metrics are off: set METRICS_TOKEN');
    }
    if (access === 'denied') {
      return this.error(res, 401, 'INVALID_TOKEN', 'The metrics token is missing or wrong');
    }
    try {
      const text = await this.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType });
      res.end(text);
    } catch (error) {
      this.logger.error(`collecting the metrics failed: ${(error as Error).message}`);
      this.error(res, 503, 'METRICS_UNAVAILABLE', 'The metrics could not be collected');
    }
  }

  private error(res: ServerResponse, statusCode: number, code: string, message: string): void {
    this.json(res, statusCode, { statusCode, code, message, errors: [] });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }
}
