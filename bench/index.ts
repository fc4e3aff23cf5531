// Runs every bench/*.bench.ts in turn. Each prints its own figures beside a
// baseline measured in the same run; nothing here is a pass/fail timing.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
for (const name of readdirSync(dir).filter((n) => n.endsWith('.bench.ts')).sort()) {
  if (only && !name.includes(only)) continue;
  console.log(`\n## ${name}`);
  await import(pathToFileURL(join(dir, name)).href);
}
