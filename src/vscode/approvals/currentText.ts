import * as vscode from 'vscode';

/**
 * Reads a proposal's real target as text for comparison with the plan's old
 * content: null when it does not exist; `display` applies what the pipeline
 * applied to the plan (redaction, hidden characters made visible).
 */
export function currentTextReader(): (absolute: string, display: (raw: string) => string) => Promise<string | null> {
  return async (absolute, display) => {
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(absolute));
      return display(new TextDecoder().decode(bytes));
    } catch (e) {
      if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return null;
      throw e;
    }
  };
}
