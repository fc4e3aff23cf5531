import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** How to start the sandbox host: the script and Node flags for `child_process.fork`. */
export interface HostLaunch {
  readonly script: string;
  readonly execArgv: readonly string[];
}

/**
 * From source (tests, `node --import tsx`): `host.ts` beside this file, through
 * tsx. From the bundle (`dist/extension.js`, `dist/cli.js`): `dist/sandbox-host.js`.
 */
export function defaultHostLaunch(): HostLaunch {
  if (__filename.endsWith('.ts')) {
    return { script: join(__dirname, 'host.ts'), execArgv: ['--import', pathToFileURL(createRequire(__filename).resolve('tsx')).href] };
  }
  return { script: join(__dirname, 'sandbox-host.js'), execArgv: [] };
}
