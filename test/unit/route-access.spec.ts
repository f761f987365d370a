import { AppModule } from 'src/app.module';
import { collectRoutes } from './routes';

describe('every route declares who may call it', () => {
  const routes = collectRoutes(AppModule);

  it('[REQ-ACC-001] finds the routes of every controller', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'POST /auth/login',
        'GET /users',
        'GET /audit/verify',
        'GET /health/ready',
      ]),
    );
  });

  it.each(routes.map((r) => [`${r.method} ${r.path} (${r.controller}.${r.handler})`, r] as const))(
    '%s has @Roles(...) or @Public()',
    (_, route) => {
      const declared = route.isPublic || (route.roles !== undefined && route.roles.length > 0);
      expect(declared).toBe(true);
    },
  );

  it('[REQ-ACC-001] keeps public routes to the ones meant to be public', () => {
    const publicRoutes = routes.filter((r) => r.isPublic).map((r) => `${r.method} ${r.path}`);
    const allowed = [
      /^POST \/auth\/login(\/second-factor)?$/,
      // Cookie-authenticated (the httpOnly refresh cookie), not bearer: renewing and ending a session.
      /^POST \/auth\/(refresh|logout)$/,
      /^GET \/health(\/ready)?$/,
      // Prometheus: its own bearer token (METRICS_TOKEN), checked by the route; off without one.
      /^GET \/metrics$/,
      /^(GET|POST) \/public\//,
      // Calendar feeds: the secret in the address stands for its subscriber.
      /^GET \/(scheduling|follow-up)\/feeds\/:secret\/(admissions|visits)\.ics$/,
      /^POST \/auth\/password\/(forgot|reset)$/,
      // Single sign-on: whether it is on, and the start and finish of a sign-in at the provider.
      /^GET \/auth\/sso\/config$/,
      /^POST \/auth\/sso\/(start|callback)$/,
    ];
    for (const route of publicRoutes) {
      expect(allowed.some((re) => re.test(route)) ? route : `unexpected public ${route}`).toBe(
        route,
      );
    }
  });
});
