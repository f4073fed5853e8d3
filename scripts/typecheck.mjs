// npm run typecheck: every TypeScript project in the repository, checked by TypeScript 7 (the
// `typescript-7` package; `typescript` itself is 6.0, the JS API that typescript-eslint needs).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const TSC = fileURLToPath(new URL('../node_modules/typescript-7/bin/tsc', import.meta.url));
const PROJECTS = [
  'tsconfig.json', // src, components, index.ts
  'test/tsconfig.json', // unit and browser tests, harnesses, fixtures, test servers
  'stories/tsconfig.json', // stories, .storybook, react
  'examples/react/tsconfig.json',
  'bench/tsconfig.json',
  'tsconfig.node.json', // scripts/*.ts
  'cli/tsconfig.json', // the download command (Node)
];

const results = await Promise.all(
  PROJECTS.map((project) =>
    promisify(execFile)(process.execPath, [TSC, '--noEmit', '-p', project]).then(
      () => ({ project, output: '' }),
      (error) => ({ project, output: `${error.stdout}${error.stderr}` || String(error) }),
    ),
  ),
);
const failed = results.filter((r) => r.output);
for (const { project, output } of failed) console.error(`\n${project}:\n${output}`);
console.log(`typecheck: ${PROJECTS.length - failed.length}/${PROJECTS.length} projects clean (TypeScript 7)`);
process.exitCode = failed.length ? 1 : 0;
