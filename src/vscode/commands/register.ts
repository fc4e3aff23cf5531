import * as vscode from 'vscode';
import type { CommandId } from './ids';
import { COMMAND_IDS } from './ids';

export type CommandHandlers = Record<CommandId, (...args: unknown[]) => unknown>;

/** Registers one handler per contributed command; the returned disposable removes them all. */
export function registerCommands(handlers: CommandHandlers): vscode.Disposable {
  return vscode.Disposable.from(...COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, handlers[id])));
}

/** A handler for a command whose feature has not landed yet: says so plainly. */
export function notYetAvailable(title: string): () => Thenable<unknown> {
  return () => vscode.window.showInformationMessage(`Warden: ${title} is not available yet.`);
}
