import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { PUBLIC_KEY, ROLES_KEY } from 'src/common/context/access.decorators';
import type { Role } from 'src/common/context/roles';

export type RouteInfo = {
  controller: string;
  handler: string;
  method: string;
  path: string;
  roles: Role[] | undefined;
  isPublic: boolean;
};

type ModuleLike =
  Type<unknown> | { module: Type<unknown>; imports?: unknown[]; controllers?: Type<unknown>[] };

/** Every controller route reachable from a root module, read from decorator metadata (no I/O). */
export function collectRoutes(root: Type<unknown>): RouteInfo[] {
  const seen = new Set<unknown>();
  const controllers = new Set<Type<unknown>>();
  const visit = (m: unknown) => {
    if (!m || seen.has(m)) {
      return;
    }
    seen.add(m);
    const mod = (
      typeof m === 'object' && 'module' in (m as object)
        ? (m as { module: Type<unknown> }).module
        : m
    ) as Type<unknown>;
    const dyn =
      typeof m === 'object' ? (m as { imports?: unknown[]; controllers?: Type<unknown>[] }) : {};
    const ctrls: Type<unknown>[] = [
      ...(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, mod) ?? []),
      ...(dyn.controllers ?? []),
    ];
    ctrls.forEach((c) => controllers.add(c));
    const imports: unknown[] = [
      ...(Reflect.getMetadata(MODULE_METADATA.IMPORTS, mod) ?? []),
      ...(dyn.imports ?? []),
    ];
    imports.forEach((i) =>
      visit(typeof i === 'function' && !(i as { prototype?: unknown }).prototype ? undefined : i),
    );
  };
  visit(root as ModuleLike);
  const routes: RouteInfo[] = [];
  for (const controller of controllers) {
    const base: string = Reflect.getMetadata(PATH_METADATA, controller) ?? '';
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') {
        continue;
      }
      const path: string | undefined = Reflect.getMetadata(PATH_METADATA, handler);
      const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
      if (path === undefined || method === undefined) {
        continue;
      }
      const roles: Role[] | undefined =
        Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller);
      const isPublic = Boolean(
        Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, controller),
      );
      routes.push({
        controller: controller.name,
        handler: name,
        method: RequestMethod[method],
        path: `/${[base, path]
          .map((p) => p.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')}`,
        roles,
        isPublic,
      });
    }
  }
  return routes;
}
