import { ROLES, type Role } from 'src/common/context/roles';
import type { TestApp } from './app';
import type { TestUser } from './factory';
import type { RouteInfo } from '../unit/routes';

export type RoleUsers = Record<Role, TestUser>;

/** One single-role user per role, with the same scope: tests that call every route pick the one each route declares. */
export async function roleUsers(
  t: TestApp,
  opts: { sites?: string[]; trialWide?: boolean } = {},
): Promise<RoleUsers> {
  const users = {} as RoleUsers;
  for (const role of ROLES) {
    users[role] = await t.factory.user(role, opts);
  }
  return users;
}

/**
 * The user for a route (OpenAPI `{id}` or Nest `:id` form): acting in the first role the route
 * declares, so the request passes the role check and reaches what the test is about.
 */
export function userForRoute(
  users: RoleUsers,
  routes: readonly RouteInfo[],
  method: string,
  path: string,
): TestUser {
  const nestPath = path.replace(/\{(\w+)\}/g, ':$1');
  const route = routes.find((r) => r.method === method.toUpperCase() && r.path === nestPath);
  if (!route) {
    throw new Error(`no route ${method} ${path}`);
  }
  return users[route.roles?.[0] ?? 'admin'];
}
