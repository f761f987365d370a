// The boundary lint (issue 14), run by `npm run lint`. Two checks over dependency-cruiser's graph
// of src/, each against a baseline of today's violations that may only shrink:
// - the rules of .dependency-cruiser.cjs (infrastructure importing a module, a module importing
//   another's internals), baselined in dependency-cruiser's own known-violations file;
// - cycles between module folders (each src/modules/<module> one node; imports through the layers
//   below are the first rule's business): every import between two modules that lies on a cycle
//   (both ends in one strongly connected component), baselined in .module-cycles-baseline.json.
// A violation or a cyclic import not in its baseline fails; so does a baseline entry that no longer
// occurs (record the smaller lists with `npm run lint:deps:baseline`).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const CYCLES = '.module-cycles-baseline.json';
const KNOWN = '.dependency-cruiser-known-violations.json';
const CONFIG = '.dependency-cruiser.cjs';
const update = process.argv.includes('--update');

const depcruise = (args) => {
  try {
    return execFileSync('node_modules/.bin/depcruise', args, {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (error) {
    if (error.stdout) return error.stdout; // it exits non-zero when it finds errors; the JSON is on stdout
    throw error;
  }
};

if (update)
  execFileSync('node_modules/.bin/depcruise-baseline', ['src', '--config', CONFIG], {
    stdio: 'inherit',
  });
const result = JSON.parse(
  depcruise(['src', '--config', CONFIG, '--ignore-known', KNOWN, '--output-type', 'json']),
);

/** The module folder a file belongs to (src/modules/<module>), or null. */
const unitOf = (file) => /^src\/modules\/[^/]+/.exec(file)?.[0] ?? null;
const graph = new Map();
for (const m of result.modules) {
  const from = unitOf(m.source);
  if (!from) continue;
  if (!graph.has(from)) graph.set(from, new Set());
  for (const d of m.dependencies) {
    const to = unitOf(d.resolved);
    if (to && to !== from) graph.get(from).add(to);
  }
}

// Tarjan's strongly connected components, then the imports inside one (those that lie on a cycle).
const componentOf = new Map();
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
let counter = 0;
const visit = (v) => {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) {
      low.set(v, Math.min(low.get(v), index.get(w)));
    }
  }
  if (low.get(v) === index.get(v)) {
    const members = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      members.push(w);
    } while (w !== v);
    for (const x of members) componentOf.set(x, v);
  }
};
for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
const components = [...graph]
  .flatMap(([from, tos]) =>
    [...tos]
      .filter((to) => componentOf.get(to) === componentOf.get(from))
      .map((to) => `${from} → ${to}`),
  )
  .sort();

if (update) {
  writeFileSync(CYCLES, `${JSON.stringify(components, null, 2)}\n`);
  console.log(`recorded ${components.length} imports on cycles between modules in ${CYCLES}`);
  process.exit(0);
}

const known = JSON.parse(readFileSync(CYCLES, 'utf8'));
const knownCount = JSON.parse(readFileSync(KNOWN, 'utf8')).length;
// Known violations that matched are reported with severity 'ignore'; fewer than recorded: some are gone.
const stillKnown = result.summary.violations.filter((v) => v.rule.severity === 'ignore').length;
const problems = [
  ...(stillKnown < knownCount
    ? [
        `${knownCount - stillKnown} recorded violations no longer occur: record the smaller baseline (npm run lint:deps:baseline)`,
      ]
    : []),
  ...result.summary.violations
    .filter((v) => v.rule.severity === 'error')
    .map((v) => `${v.rule.name}: ${v.from} → ${v.to}`),
  ...components
    .filter((c) => !known.includes(c))
    .map((c) => `module-folder-cycle: ${c} closes a cycle between modules`),
  ...known
    .filter((c) => !components.includes(c))
    .map(
      (c) => `no longer on a cycle, record the smaller baseline (npm run lint:deps:baseline): ${c}`,
    ),
];
if (problems.length > 0) {
  console.error(`The module walls are broken (rules: ${CONFIG}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `module walls: no new violation (baselines: ${known.length} imports on module cycles, ${knownCount} other violations)`,
);
