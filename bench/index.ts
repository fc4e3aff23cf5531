// Runs every bench/*.bench.ts in turn, each in a process of its own so that
// one bench's background work cannot distort another's figures. Each prints
// its own numbers beside a baseline measured in the same run; nothing here is
// a pass/fail timing. `npm run bench -- NAME` runs the benches whose file
// name contains NAME.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
let failed = 0;
for (const name of readdirSync(dir)
  .filter((n) => n.endsWith('.bench.ts'))
  .sort()) {
  if (only && !name.includes(only)) continue;
  console.log(`\n## ${name}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, name)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`(${name} exited with ${r.status ?? r.signal})`);
  }
}
process.exitCode = failed ? 1 : 0;
