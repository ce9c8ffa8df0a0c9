// Bundles the CLI into dist/ so the shipped binary starts fast (tsx costs ~1 s).
// Code splitting keeps the desk (React/Ink) and each subcommand in their own chunks,
// loaded only when used. better-sqlite3 is native and stays external.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
rmSync(path.join(root, 'dist'), { recursive: true, force: true });

await build({
  entryPoints: [path.join(root, 'src/cli.tsx')],
  outdir: path.join(root, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  external: ['better-sqlite3'],
  // CommonJS dependencies inside an ESM bundle need require/__dirname.
  banner: {
    js: [
      "import { createRequire as __abusedeskCreateRequire } from 'node:module';",
      'const require = __abusedeskCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  // Ink imports react-devtools-core only when DEV is set; never ship it.
  alias: { 'react-devtools-core': path.join(root, 'scripts/devtools-stub.mjs') },
  // React/Ink production builds: the development reconciler is 1 MB more to parse at start-up and renders slower.
  define: { 'process.env.DEV': '"false"', 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  logLevel: 'warning',
  sourcemap: false,
});
