import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from '../harness/processes';

/**
 * What can be proven of the deployment without pulling images (Docker cannot here, and Helm is not
 * installable): the Kubernetes manifests and the compose file say what the README promises, and
 * the compose file is valid for docker-compose itself.
 */

type Container = {
  name: string;
  image: string;
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  ports?: { name?: string; containerPort: number }[];
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
  };
};
type PodSpec = {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  initContainers?: Container[];
  containers: Container[];
  restartPolicy?: string;
};
type Resource = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown> & { template?: { spec: PodSpec } };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};

const K8S = path.join(ROOT, 'deploy/k8s');
/** Names of variables that hold a key, a password or a credential-bearing URL. */
const SECRET_NAME =
  /SECRET|KEYS?$|PASSWORD|TOKEN|DATABASE_URL|DATABASE_REPLICA_URLS|REDIS_URL|SMTP_URL/;

function loadManifests(): Resource[] {
  const resources: Resource[] = [];
  for (const file of readdirSync(K8S).filter((f) => /\.ya?ml$/.test(f))) {
    for (const doc of parseAllDocuments(readFileSync(path.join(K8S, file), 'utf8'))) {
      if (doc.errors.length > 0) {
        throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      }
      resources.push(doc.toJS() as Resource);
    }
  }
  return resources;
}

describe('deployment: Kubernetes manifests (deploy/k8s)', () => {
  const resources = loadManifests();
  const find = (kind: string, name: string) => {
    const found = resources.find((r) => r.kind === kind && r.metadata.name === name);
    if (!found) {
      throw new Error(`no ${kind} ${name} in deploy/k8s`);
    }
    return found;
  };
  const api = find('Deployment', 'ram-ms-api');
  const worker = find('Deployment', 'ram-ms-worker');
  const migrate = resources.find((r) => r.kind === 'Job')!;
  const pods = resources
    .filter((r) => r.spec?.template?.spec)
    .map((r) => ({ r, spec: r.spec!.template!.spec }));
  const containers = pods.flatMap(({ r, spec }) =>
    [...(spec.initContainers ?? []), ...spec.containers].map((c) => ({ r, c })),
  );

  it('lists every manifest in the kustomization, and only those', () => {
    const kustomization = resources.find((r) => r.kind === 'Kustomization') as unknown as {
      resources: string[];
    };
    const files = readdirSync(K8S).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('the API: readiness on /health/ready, liveness on /health, on its serving port', () => {
    const [container] = api.spec!.template!.spec.containers;
    expect(container.command).toEqual(['node', 'dist/src/main.js']);
    expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(container.livenessProbe?.httpGet?.path).toBe('/health');
    const http = container.ports?.find((p) => p.name === container.readinessProbe?.httpGet?.port);
    expect(http?.containerPort).toBe(3000);
    expect(container.livenessProbe?.httpGet?.port).toBe(container.readinessProbe?.httpGet?.port);
    expect(api.spec!.replicas).toBeGreaterThanOrEqual(2);
  });

  it('the worker: its own command, liveness on /health of METRICS_PORT', () => {
    const [container] = worker.spec!.template!.spec.containers;
    expect(container.command).toEqual(['node', 'dist/src/worker.js']);
    expect(container.livenessProbe?.httpGet?.path).toBe('/health');
    const port = container.ports?.find((p) => p.name === container.livenessProbe?.httpGet?.port);
    expect(String(port?.containerPort)).toBe(find('ConfigMap', 'ram-ms-config').data!.METRICS_PORT);
  });

  it('every pod runs as a non-root user without privilege escalation, and every container has requests and limits', () => {
    expect(pods.length).toBe(3);
    for (const { r, spec } of pods) {
      expect([r.metadata.name, spec.securityContext?.runAsNonRoot]).toEqual([
        r.metadata.name,
        true,
      ]);
      expect(spec.securityContext?.runAsUser).toBeGreaterThan(0);
    }
    for (const { r, c } of containers) {
      const where = `${r.metadata.name}/${c.name}`;
      expect([where, c.securityContext?.allowPrivilegeEscalation]).toEqual([where, false]);
      expect([where, c.securityContext?.readOnlyRootFilesystem]).toEqual([where, true]);
      for (const kind of ['requests', 'limits'] as const) {
        expect([where, kind, Object.keys(c.resources?.[kind] ?? {}).sort()]).toEqual([
          where,
          kind,
          ['cpu', 'memory'],
        ]);
      }
      // One image for every process.
      expect(c.image).toBe(api.spec!.template!.spec.containers[0].image);
    }
  });

  it('migrates before the API and the worker: a Job runs the compiled migration, their pods wait for it', () => {
    expect(migrate).toBeDefined();
    const job = migrate.spec!.template!.spec;
    expect(job.containers[0].command).toEqual(['node', 'dist/src/cli/migrate.js']);
    expect(job.restartPolicy).not.toBe('Always');
    for (const deployment of [api, worker]) {
      const [wait, ...others] = deployment.spec!.template!.spec.initContainers ?? [];
      expect(others).toEqual([]);
      expect(wait?.command?.slice(0, 3)).toEqual(['node', 'dist/src/cli/migrate.js', '--wait']);
      // It reads the same database as the Job migrates.
      expect(wait.envFrom).toEqual(job.containers[0].envFrom);
    }
    // Under Helm or Argo CD the Job is a hook before the release's pods.
    expect(migrate.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    // The processes never migrate on their own.
    expect(find('ConfigMap', 'ram-ms-config').data!.MIGRATE_ON_START).toBe('false');
  });

  it('the HorizontalPodAutoscaler scales the API Deployment, never below two', () => {
    const hpa = find('HorizontalPodAutoscaler', 'ram-ms-api');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec!.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: api.metadata.name,
    });
    expect(hpa.spec!.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec!.maxReplicas).toBeGreaterThan(hpa.spec!.minReplicas as number);
  });

  it('the Service selects the API pods', () => {
    const service = find('Service', 'ram-ms-api');
    const podLabels = (api.spec!.template as unknown as { metadata: { labels: object } }).metadata
      .labels;
    expect(podLabels).toMatchObject(service.spec!.selector as object);
  });

  it('keys reach the pods from the Secret only: no secret value in plain env or in the ConfigMap, and the Secret holds placeholders', () => {
    const secret = find('Secret', 'ram-ms-keys');
    for (const key of [
      'JWT_SECRET',
      'IDENTITY_KEYS',
      'IDENTITY_MATCH_KEY',
      'SECOND_FACTOR_KEYS',
      'METRICS_TOKEN',
      'DATABASE_URL',
    ]) {
      expect([key, secret.stringData?.[key]]).toEqual([key, expect.stringMatching(/^REPLACE_ME/)]);
    }
    for (const value of Object.values(secret.stringData ?? {})) {
      expect(value).toMatch(/^REPLACE_ME/);
    }
    expect(secret.data).toBeUndefined();
    for (const name of Object.keys(find('ConfigMap', 'ram-ms-config').data ?? {})) {
      expect(name).not.toMatch(SECRET_NAME);
    }
    for (const { r, c } of containers) {
      for (const env of c.env ?? []) {
        if (SECRET_NAME.test(env.name)) {
          expect([r.metadata.name, env.name, env.value]).toEqual([
            r.metadata.name,
            env.name,
            undefined,
          ]);
        }
      }
      expect(c.envFrom?.some((e) => e.secretRef?.name === secret.metadata.name)).toBe(true);
    }
  });
});

describe('deployment: docker-compose.yml', () => {
  const file = path.join(ROOT, 'docker-compose.yml');
  const keys = {
    JWT_SECRET: 'compose-check-jwt-0123456789abcdef0123456789',
    IDENTITY_KEYS: 'k1:compose-check-identity',
    IDENTITY_MATCH_KEY: 'm1:compose-check-match',
    SECOND_FACTOR_KEYS: 's1:compose-check-second-factor',
    METRICS_TOKEN: 'compose-check-metrics-0123456789abcdef0123',
  };
  type Service = {
    command?: string[];
    depends_on?: Record<string, { condition: string }>;
    deploy?: { replicas?: number };
    environment?: Record<string, string>;
    image?: string;
    build?: unknown;
    restart?: string;
  };

  /** `docker-compose config`: docker-compose's own parse, with variables substituted. */
  function composeConfig(env: Record<string, string>) {
    let out: string;
    try {
      out = execFileSync('docker-compose', ['-f', file, 'config'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') {
        throw new Error(
          'docker-compose is not installed: this test needs it (Debian: apt-get install docker-compose)',
        );
      }
      throw new Error(`docker-compose config failed: ${e.stderr ?? e.message}`);
    }
    return parse(out) as { services: Record<string, Service> };
  }

  it('parses with docker-compose, with two API replicas and a worker after the migration, beside PostgreSQL and Redis', () => {
    const { services } = composeConfig(keys);
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'worker']);
    const { api, worker, migrate, redis } = services;
    expect(api.deploy?.replicas).toBe(2);
    expect(worker.deploy?.replicas ?? 1).toBe(1);
    expect(api.command).toEqual(['node', 'dist/src/main.js']);
    expect(worker.command).toEqual(['node', 'dist/src/worker.js']);
    expect(migrate.command).toEqual(['node', 'dist/src/cli/migrate.js']);
    expect(migrate.restart).toBe('no');
    for (const app of [api, worker]) {
      expect(app.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(app.environment?.MIGRATE_ON_START).toBe('false');
      expect(app.image).toBe(migrate.image);
    }
    expect(migrate.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    // Bull loses jobs when Redis evicts keys.
    expect(redis.command?.join(' ')).toMatch(/--maxmemory-policy noeviction/);
    // The keys come from the environment (or a .env file), never from the file itself.
    for (const app of [api, worker, migrate]) {
      for (const [name, value] of Object.entries(keys)) {
        expect([name, app.environment?.[name]]).toEqual([name, value]);
      }
    }
  });

  it('holds no key itself: without them in the environment docker-compose refuses to run', () => {
    const raw = parse(readFileSync(file, 'utf8')) as { 'x-app': Service };
    for (const name of Object.keys(keys)) {
      expect(raw['x-app'].environment?.[name]).toMatch(new RegExp(`^\\$\\{${name}:\\?`));
    }
    expect(() => composeConfig({ ...keys, JWT_SECRET: '' })).toThrow(/set JWT_SECRET/);
  });
});
