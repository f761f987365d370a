/**
 * Module walls, enforced by `npm run lint` (so by `.ci/run`) through scripts/check-boundaries.mjs.
 * dependency-cruiser 17 (18 needs Node 22) rather than eslint-plugin-boundaries: it resolves the
 * whole import graph at once (the script derives the cycles between module folders from it, which
 * a per-file lint cannot see), and it keeps a baseline of known violations
 * (`.dependency-cruiser-known-violations.json`) that `--ignore-known` skips: any violation not in
 * it fails the build, so the baseline may only shrink. After removing some, `npm run
 * lint:deps:baseline` records the smaller lists.
 */
module.exports = {
  forbidden: [
    {
      name: 'infrastructure-imports-module',
      severity: 'error',
      comment: 'kernel, common, config and database sit below the modules and import none of them',
      from: { path: '^src/(kernel|common|config|database)/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'module-internals',
      severity: 'error',
      comment:
        'a module imports another only through its public surface: its module class, readers, public API services, domain events and job contracts',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['^src/modules/$1/', '[.](module|reader|api|events|jobs)[.]ts$'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '[.](spec|int-spec)[.]ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
