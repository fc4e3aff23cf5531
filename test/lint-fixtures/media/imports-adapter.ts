// A webview importing an editor adapter (not a shared contract): the lint must refuse it.
import { GuardHolder } from '../../../src/vscode/agent/guardHolder';

export const holder = GuardHolder;
