// A Node adapter reaching for the editor: the lint must refuse it.
import * as vscode from 'vscode';

export const version = vscode.version;
