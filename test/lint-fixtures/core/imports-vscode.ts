// Lint fixture: a core file that reaches into VS Code. The lint must reject it.
import * as vscode from 'vscode';

export const show = (m: string): Thenable<string | undefined> => vscode.window.showInformationMessage(m);
