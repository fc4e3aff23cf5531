// A webview doing Node I/O: the lint must refuse it.
import { readFileSync } from 'node:fs';

export const read = readFileSync;
