// Lint fixture: a core file that reads the disk itself. The lint must reject it.
import { readFileSync } from 'node:fs';

export const read = (p: string): string => readFileSync(p, 'utf8');
