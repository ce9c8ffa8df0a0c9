// `npm run bench`: runs every bench/*.bench.ts in turn (each prints its own figures
// as ratios against a baseline measured in the same run) and fails if one fails.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only.length || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(dir, file)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.log(`!! ${file} failed (exit ${result.status})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
