/**
 * The shape of src/ (docs/architecture.md): no import circles, and arrows only point down this
 * list of floors, so no two folders import each other. `npm run lint` runs it.
 */
const FLOORS = ['relay', 'reporting', 'remotes', 'artifacts', 'hosts', 'transport', 'config', 'logs', 'core'];

const downOnly = FLOORS.map((floor, i) => ({
  name: `${floor}-imports-only-below`,
  comment: `src/${floor}/ may import only the floors below it: ${FLOORS.slice(i + 1).join(', ') || 'none of ours'}`,
  severity: 'error',
  from: { path: `^src/${floor}/` },
  to: {
    path: '^src/',
    pathNot: [`^src/${floor}/`, ...FLOORS.slice(i + 1).map((f) => `^src/${f}/`), '^src/version\\.ts$']
  }
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle ties two parts into one: move the shared word down (to core/).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true }
    },
    {
      name: 'core-imports-nothing-of-ours',
      comment: 'core/ holds the words every part shares; it imports nothing of ours.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' }
    },
    ...downOnly,
    {
      name: 'version-imports-nothing',
      severity: 'error',
      from: { path: '^src/version\\.ts$' },
      to: { path: '^src/' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|lib|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.cjs', '.d.cts'] }
  }
};
