// A small fake of the parts of the `vscode` API the units under test here
// touch: configuration with its levels, workspace folders and trust, Uri,
// and the window, env and commands calls they make, recorded for asserting.
// installFakeVscode() makes `require('vscode')` return it.
import Module from 'node:module';

export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export class FakeUri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
    private readonly text: string,
    readonly query = '',
  ) {}
  static from(parts: { scheme: string; path: string; query?: string }): FakeUri {
    return new FakeUri(parts.scheme, parts.path, `${parts.scheme}:${parts.path}${parts.query ? `?${parts.query}` : ''}`, parts.query ?? '');
  }
  static file(path: string): FakeUri {
    return new FakeUri('file', path, `file://${path}`);
  }
  static parse(value: string, strict = false): FakeUri {
    const m = /^([a-zA-Z][\w+.-]*):(.*)$/s.exec(value);
    if (!m?.[1]) {
      if (strict) throw new Error(`not a URI: ${value}`);
      return new FakeUri('file', value, value);
    }
    const [path = '', query = ''] = (m[2] ?? '').split('?');
    return new FakeUri(m[1].toLowerCase(), path, value, query);
  }
  toString(): string {
    return this.text;
  }
}

type Listener = (e: unknown) => void;

/** An open text document: the person's edits of a proposal's side live here. */
export interface FakeDocument {
  readonly uri: FakeUri;
  text: string;
  isDirty: boolean;
  getText(): string;
  save(): Promise<boolean>;
}

export function fakeDocument(uri: FakeUri, text: string): FakeDocument {
  const doc: FakeDocument = {
    uri,
    text,
    isDirty: true,
    getText: () => doc.text,
    save: () => ((doc.isDirty = false), Promise.resolve(true)),
  };
  return doc;
}

export const fake = {
  calls: [] as { api: string; args: unknown[] }[],
  documents: [] as FakeDocument[],
  /** What the next modal or warning answers (undefined: dismissed). */
  warningAnswer: undefined as string | undefined,
  /** What a quick pick answers, from the items it was shown (default: dismissed). */
  quickPickAnswer: (_items: readonly unknown[]): unknown => undefined,
  trusted: true,
  workspaceFile: undefined as unknown,
  folders: [] as { uri: FakeUri; name: string; index: number }[],
  /** `key` → levels; `folder:<fsPath>:key` → that folder's levels. */
  settings: new Map<string, Inspected>(),
  reset(): void {
    this.calls = [];
    this.documents = [];
    this.warningAnswer = undefined;
    this.quickPickAnswer = () => undefined;
    this.trusted = true;
    this.workspaceFile = undefined;
    this.folders = [];
    this.settings = new Map();
  },
};

const record =
  (api: string) =>
  (...args: unknown[]): Promise<undefined> => {
    fake.calls.push({ api, args });
    return Promise.resolve(undefined);
  };

const configuration = (folder?: FakeUri) => ({
  inspect(key: string): Inspected | undefined {
    const base = fake.settings.get(key) ?? {};
    const own = folder ? fake.settings.get(`folder:${folder.fsPath}:${key}`) : undefined;
    return {
      key,
      ...base,
      workspaceFolderValue: own?.workspaceFolderValue ?? (folder ? undefined : base.workspaceFolderValue),
    } as Inspected;
  },
});

class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...items: { dispose(): void }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

const event = () => (_l: Listener) => new Disposable(() => undefined);

class EventEmitter<T> {
  private readonly listeners = new Set<(e: T) => void>();
  readonly event = (l: (e: T) => void): Disposable => {
    this.listeners.add(l);
    return new Disposable(() => this.listeners.delete(l));
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class FileSystemError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
  static FileNotFound = (): FileSystemError => new FileSystemError('FileNotFound');
  static NoPermissions = (): FileSystemError => new FileSystemError('NoPermissions');
  static FileExists = (): FileSystemError => new FileSystemError('FileExists');
}

class TabInputTextDiff {
  constructor(
    readonly original: FakeUri,
    readonly modified: FakeUri,
  ) {}
}

export const vscodeFake = {
  Uri: FakeUri,
  Disposable,
  EventEmitter,
  FileSystemError,
  TabInputTextDiff,
  FileChangeType: { Changed: 1, Created: 2, Deleted: 3 },
  FileType: { File: 1, Directory: 2 },
  workspace: {
    get textDocuments() {
      return fake.documents;
    },
    get isTrusted() {
      return fake.trusted;
    },
    get workspaceFile() {
      return fake.workspaceFile;
    },
    get workspaceFolders() {
      return fake.folders.length ? fake.folders : undefined;
    },
    getConfiguration: (_section?: string, scope?: FakeUri) => configuration(scope),
    onDidChangeConfiguration: event(),
    onDidGrantWorkspaceTrust: event(),
    onDidChangeWorkspaceFolders: event(),
    onDidChangeTextDocument: event(),
  },
  window: {
    showWarningMessage: (...args: unknown[]) => {
      fake.calls.push({ api: 'window.showWarningMessage', args });
      return Promise.resolve(fake.warningAnswer);
    },
    setStatusBarMessage: (...args: unknown[]) => (
      fake.calls.push({ api: 'window.setStatusBarMessage', args }),
      new Disposable(() => undefined)
    ),
    activeTextEditor: undefined,
    tabGroups: { all: [] as unknown[], activeTabGroup: { activeTab: undefined }, close: record('window.tabGroups.close') },
    showInformationMessage: record('window.showInformationMessage'),
    showQuickPick: (items: readonly unknown[], ...rest: unknown[]) => {
      fake.calls.push({ api: 'window.showQuickPick', args: [items, ...rest] });
      return Promise.resolve(fake.quickPickAnswer(items));
    },
    registerFileDecorationProvider: () => new Disposable(() => undefined),
  },
  env: { openExternal: record('env.openExternal') },
  commands: { executeCommand: record('commands.executeCommand') },
};

let installed = false;

/** From now on `require('vscode')` in this process gives the fake. */
export function installFakeVscode(): void {
  if (installed) return;
  installed = true;
  const id = require.resolve('./fakeVscodeModule');
  const m = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = m._resolveFilename;
  m._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? id : original.call(this, request, ...rest);
  };
}
