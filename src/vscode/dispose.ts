import type * as vscode from 'vscode';

/** Something that can be disposed; `vscode.Disposable` and plain objects alike. */
export interface IDisposable {
  dispose(): void;
}

/**
 * Owns disposables and disposes them together, newest first. Errors are
 * collected, not lost: every item is disposed even if one throws.
 */
export class DisposableStore implements IDisposable {
  private readonly items: IDisposable[] = [];
  private disposed = false;

  add<T extends IDisposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
      throw new Error('DisposableStore: add() after dispose()');
    }
    this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'DisposableStore: several disposables failed');
  }
}

/** Base class for owners of disposables: `this._register(x)`. */
export abstract class Disposable implements IDisposable {
  protected readonly _store = new DisposableStore();
  protected _register<T extends IDisposable>(item: T): T {
    return this._store.add(item);
  }
  dispose(): void {
    this._store.dispose();
  }
}

export type VsDisposable = vscode.Disposable;
