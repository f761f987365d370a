import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort, type NodeProcess, ROOT, waitForOutput } from './processes';

/** An account of the test provider: `id` is what the login form takes (and the subject). */
export type ProviderAccount = { id: string; email: string; email_verified: boolean };

export type TestProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUrl: string;
  /** The app's configuration for this provider. */
  env: Record<string, string>;
  process: NodeProcess;
  stop: () => Promise<void>;
};

/**
 * Starts a real OpenID Connect provider (`oidc-provider`, ESM only) as a child process on a free
 * port, with one confidential client whose redirect URL is the app's page `/app/sso/callback`
 * (never fetched: the test reads the provider's redirect and hands code and state to the API, as
 * the page does).
 */
export async function startTestProvider(
  accounts: ProviderAccount[],
  redirectUrl = 'http://app.test/app/sso/callback',
): Promise<TestProvider> {
  const port = await freePort();
  const clientId = 'ram-ms-test';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  let out = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'test/harness/oidc-provider.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      OIDC_TEST_PORT: String(port),
      OIDC_TEST_CLIENT: JSON.stringify({
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUrl],
      }),
      OIDC_TEST_ACCOUNTS: JSON.stringify(accounts),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const running = () => child.exitCode === null && child.signalCode === null;
  const proc: NodeProcess = {
    name: 'oidc-provider',
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (running()) {
        child.kill('SIGTERM');
        await exited;
      }
    },
    kill: async () => {
      if (running()) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  await waitForOutput(proc, 'OIDC PROVIDER LISTENING', 30_000);
  const issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    clientId,
    clientSecret,
    redirectUrl,
    env: {
      OIDC_ISSUER_URL: issuer,
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: clientSecret,
      OIDC_REDIRECT_URL: redirectUrl,
    },
    process: proc,
    stop: proc.stop,
  };
}

/** What the provider redirected the browser back with. */
export type ProviderAnswer = {
  code: string;
  state: string;
  iss?: string;
  /** Whether the provider showed its login form on the way (no form: its session was reused). */
  askedToLogIn: boolean;
};

/**
 * A browser at the provider: follows its redirects by hand, keeps its cookies (its session), and
 * fills in the login form with the account id when the provider shows one.
 */
export class ProviderBrowser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly redirectUrl: string) {}

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') {
        this.jar.delete(name);
      } else {
        this.jar.set(name, value);
      }
    }
  }

  private async go(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.jar].map(([n, v]) => `${n}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie },
    });
    this.keep(res);
    return res;
  }

  /** Forgets the provider's session (a new browser). */
  clear(): void {
    this.jar.clear();
  }

  /**
   * Opens the authorization URL and follows the provider until it redirects to the app; logs in
   * as `login` if the provider asks (fails if it asks and no login is given).
   */
  async authorize(authorizationUrl: string, login?: string): Promise<ProviderAnswer> {
    let url = authorizationUrl;
    let res = await this.go(url);
    let askedToLogIn = false;
    for (let hops = 0; hops < 20; hops++) {
      if (res.status === 200) {
        const html = await res.text();
        const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
        if (!action) {
          throw new Error(`unexpected provider page at ${url}: ${html.slice(0, 500)}`);
        }
        // Its hidden fields (a page that submits itself, e.g. ending the session of another account).
        const fields = new URLSearchParams();
        for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) {
          fields.set(m[1], m[2]);
        }
        if (/name="login"/.test(html)) {
          if (login === undefined) {
            throw new Error('the provider asked to log in, and the test gave no account');
          }
          askedToLogIn = true;
          fields.set('prompt', 'login');
          fields.set('login', login);
          fields.set('password', 'any');
        }
        url = new URL(action, url).toString();
        res = await this.go(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: fields.toString(),
        });
        continue;
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) {
        throw new Error(`provider answered ${res.status} at ${url}: ${await res.text()}`);
      }
      const next = new URL(location, url);
      if (next.toString().startsWith(this.redirectUrl)) {
        const q = next.searchParams;
        if (q.get('error')) {
          throw new Error(`provider error ${q.get('error')}: ${q.get('error_description')}`);
        }
        return {
          code: q.get('code') ?? '',
          state: q.get('state') ?? '',
          iss: q.get('iss') ?? undefined,
          askedToLogIn,
        };
      }
      url = next.toString();
      res = await this.go(url);
    }
    throw new Error('too many redirects at the provider');
  }
}
