// A real OpenID Connect provider for the single sign-on tests: the npm package `oidc-provider`
// (ESM only, so it runs as a child process of the test; see test/harness/oidc.ts).
//
// Environment:
//   OIDC_TEST_PORT      port to listen on (127.0.0.1)
//   OIDC_TEST_CLIENT    JSON { client_id, client_secret, redirect_uris }
//   OIDC_TEST_ACCOUNTS  JSON [{ id, email, email_verified }]
//
// Sign-in uses the provider's development interactions: GET /interaction/:uid shows a form, and
// POST /interaction/:uid with `prompt=login&login=<account id>` signs that account in. Consent is
// pre-granted for the one (first-party) client. Prints `OIDC PROVIDER LISTENING <issuer>` when ready.
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_TEST_PORT);
const client = JSON.parse(process.env.OIDC_TEST_CLIENT ?? '{}');
const accounts = new Map(JSON.parse(process.env.OIDC_TEST_ACCOUNTS ?? '[]').map((a) => [a.id, a]));
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: client.redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { methods: ['S256'], required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['test-only-cookie-key-0123456789abcdef'] },
  async findAccount(_ctx, sub) {
    const account = accounts.get(sub);
    if (!account) {
      return undefined;
    }
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          email: account.email,
          email_verified: account.email_verified,
          name: account.name ?? account.email,
        };
      },
    };
  },
  // First-party client: the consent prompt is answered by a grant of whatever it asks for.
  async loadExistingGrant(ctx) {
    if (!ctx.oidc.session.accountId) {
      return undefined;
    }
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    const grant =
      (grantId && (await ctx.oidc.provider.Grant.find(grantId))) ||
      new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
    grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
    grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
    await grant.save();
    return grant;
  },
});

// An unknown account id at the login form: the provider's own error page (the test expects none).
provider.on('server_error', (_ctx, error) => {
  process.stderr.write(`oidc-provider server_error: ${error.stack ?? error}\n`);
});

const server = http.createServer(provider.callback());
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`OIDC PROVIDER LISTENING ${issuer}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
