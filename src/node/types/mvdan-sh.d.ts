/**
 * The parts of mvdan-sh (mvdan/sh, the Go shell parser, built to JavaScript
 * with GopherJS) that src/node/shellConfirm.ts reads. Its nodes are Go structs
 * seen from JavaScript: fields keep their Go names, positions are objects
 * with an Offset() method counting UTF-8 bytes.
 */
declare module 'mvdan-sh' {
  export interface Pos {
    Offset(): number;
  }
  export interface Node {
    readonly [field: string]: unknown;
  }
  export interface Parser {
    Parse(src: string, name: string): Node;
  }
  export const syntax: {
    NewParser(...options: unknown[]): Parser;
    KeepComments(keep: boolean): unknown;
    Variant(lang: unknown): unknown;
    readonly LangBash: unknown;
    NodeType(node: unknown): string;
  };
}
