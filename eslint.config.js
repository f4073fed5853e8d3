// ESLint for the whole repository (`npm run lint`): typescript-eslint's recommended rules everywhere,
// Lit's template rules wherever html`` templates are written, the custom-element rules for components/,
// and eslint-config-prettier last so that formatting is Prettier's alone.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    'dist/',
    'storybook-static/',
    'coverage/',
    'fixtures/', // generated models (npm run fixtures); test/fixtures/ is source and is linted
    'examples/*/dist/',
    'custom-elements.json',
    // A separate consumer project that imports the packed package; scripts/check-consumer.mjs checks it.
    'test/consumer/',
  ]),

  js.configs.recommended,
  // Without type information: typed rules would read the code through TypeScript 6's JS API (the one
  // typescript-eslint 8 can load) while npm run typecheck uses TypeScript 7, at three times the time.
  tseslint.configs.recommended,

  {
    languageOptions: { globals: globals.browser },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `const { value, ...rest } = o` is how the code drops a field from a copy (bench/bench-page.ts).
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },

  {
    // What runs in Node: build and check scripts, dev-server and test-runner configs, Storybook's
    // main.ts, the fixture makers, unit tests, the benchmark runner.
    files: [
      'scripts/**',
      'cli/**',
      'test/server/**',
      'test/unit/**',
      'test/fixtures/**',
      'test/reference/**',
      'bench/run-bench.ts',
      '.storybook/main.ts',
      '*.config.{js,mjs}',
      'examples/*/vite.config.mjs',
    ],
    languageOptions: { globals: globals.node },
  },

  {
    files: ['test/**'],
    // chai's property assertions (`expect(x).to.be.true`, `.to.exist`) are expressions by design.
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },

  {
    files: ['components/**/*.ts', 'stories/**/*.ts', 'test/browser/**/*.ts', 'test/harness/**/*.ts', 'react/**/*.ts', 'examples/**/*.{js,ts,tsx}'],
    ...lit.configs['flat/recommended'],
  },

  {
    files: ['components/**/*.ts'],
    ...wc.configs['flat/recommended'],
    // Lit elements extend LitElement, or XrayFigure (components/shared/xray-figure.ts), not HTMLElement.
    settings: { wc: { elementBaseClasses: ['LitElement', 'XrayFigure'] } },
  },

  prettier,
);
