import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread: run from source (tests and benches, under tsx) it
 * loads `source` through tsx; bundled (the extension, the CLI), it loads
 * `bundle`, a bundle of its own in dist/ beside the caller's (scripts/build.mjs).
 */
export function startWorker(script: { readonly source: string; readonly bundle: string }, options: WorkerOptions = {}): Worker {
  if (__filename.endsWith('.ts')) {
    const tsx = createRequire(__filename).resolve('tsx/cjs');
    return new Worker(`require(${JSON.stringify(tsx)});require(${JSON.stringify(script.source)});`, { ...options, eval: true });
  }
  return new Worker(join(__dirname, script.bundle), options);
}
