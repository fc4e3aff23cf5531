// Imported first by a test of a src/vscode unit: the fake vscode API stands in from here on.
import { installFakeVscode } from './fakeVscode';

installFakeVscode();
