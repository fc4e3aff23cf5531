// What `require('vscode')` returns once installFakeVscode() ran (see ./fakeVscode.ts).
import { vscodeFake } from './fakeVscode';

module.exports = vscodeFake;
