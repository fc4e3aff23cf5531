// Regenerates src/core/audit/eventCheck.ts from the audit event's zod schemas
// (src/core/audit/event.ts), through the JSON Schema zod writes for each: a
// plain function that is true only when a value passes the schema unchanged.
//   node --import tsx scripts/audit-event-check.ts
// A test checks that the file is what this script writes now, so a change to
// the schema without regenerating fails the tests.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { auditEventSchema, linkedEventSchema } from '../src/core/audit/event';

export const EVENT_CHECK_FILE = fileURLToPath(new URL('../src/core/audit/eventCheck.ts', import.meta.url));

type Schema = Record<string, unknown>;

const isRecord = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const lit = (v: unknown): string => JSON.stringify(v);

/** Keywords understood; anything else stops the generator (a check that ignored it could accept what zod rejects). */
const KNOWN = new Set([
  '$schema',
  'title',
  'description',
  'type',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'properties',
  'required',
  'additionalProperties',
  'anyOf',
]);

class Emitter {
  readonly consts: string[] = [];
  readonly functions: string[] = [];

  /** A boolean expression over `x` (an identifier) that holds only when `x` passes `schema` as zod checks it. */
  expr(schema: unknown, x: string): string {
    if (!isRecord(schema)) throw new Error(`not a schema: ${lit(schema)}`);
    for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`unsupported JSON Schema keyword ${k}`);
    const parts: string[] = [];
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      parts.push(any(types.map((t) => this.typed(t, schema, x))));
    } else {
      for (const k of ['minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'properties'])
        if (k in schema) throw new Error(`${k} without a type`);
      parts.push(`${x} !== undefined`);
    }
    if (schema.enum !== undefined) {
      if (!Array.isArray(schema.enum) || schema.enum.length === 0) throw new Error('enum');
      for (const e of schema.enum)
        if (!(typeof e === 'string' || typeof e === 'number' || e === null)) throw new Error(`enum value ${lit(e)}`);
      parts.push(any(schema.enum.map((e) => `${x} === ${lit(e)}`)));
    }
    if ('const' in schema) {
      const c = schema.const;
      if (!(typeof c === 'string' || typeof c === 'number' || typeof c === 'boolean' || c === null)) throw new Error(`const ${lit(c)}`);
      parts.push(`${x} === ${lit(c)}`);
    }
    if (schema.anyOf !== undefined) {
      if (!Array.isArray(schema.anyOf) || schema.anyOf.length === 0) throw new Error('anyOf');
      parts.push(any(schema.anyOf.map((s) => this.expr(s, x))));
    }
    return parts.length === 1 ? (parts[0] ?? 'false') : parts.map((p) => `(${p})`).join(' && ');
  }

  private typed(t: unknown, s: Schema, x: string): string {
    const num = (k: string): number | undefined => {
      const v = s[k];
      if (v !== undefined && typeof v !== 'number') throw new Error(`${k} ${lit(v)}`);
      return v;
    };
    switch (t) {
      case 'string': {
        const out = [`typeof ${x} === 'string'`];
        const min = num('minLength');
        const max = num('maxLength');
        // Lengths in UTF-16 code units, as zod counts them.
        if (min !== undefined) out.push(`${x}.length >= ${min}`);
        if (max !== undefined) out.push(`${x}.length <= ${max}`);
        if (s.pattern !== undefined) {
          if (typeof s.pattern !== 'string') throw new Error('pattern');
          const name = `PATTERN_${this.consts.length}`;
          this.consts.push(`const ${name} = new RegExp(${lit(s.pattern)});`);
          out.push(`${name}.test(${x})`);
        }
        return out.join(' && ');
      }
      case 'number':
      case 'integer': {
        // zod's numbers are finite; its integers safe.
        const out = [`typeof ${x} === 'number'`, t === 'integer' ? `Number.isSafeInteger(${x})` : `Number.isFinite(${x})`];
        for (const [k, op] of [
          ['minimum', '>='],
          ['maximum', '<='],
          ['exclusiveMinimum', '>'],
          ['exclusiveMaximum', '<'],
        ] as const) {
          const v = num(k);
          if (v !== undefined) out.push(`${x} ${op} ${v}`);
        }
        return out.join(' && ');
      }
      case 'boolean':
        return `typeof ${x} === 'boolean'`;
      case 'null':
        return `${x} === null`;
      case 'object':
        return `${this.object(s)}(${x})`;
      default:
        throw new Error(`unsupported type ${lit(t)}`);
    }
  }

  /** A function for an object schema: every required key own, every own key known and valid, no other key (zod would strip it). */
  private object(s: Schema): string {
    const props = s.properties ?? {};
    if (!isRecord(props)) throw new Error('properties');
    if (s.additionalProperties !== undefined && s.additionalProperties !== false) throw new Error('additionalProperties');
    const required = s.required ?? [];
    if (!Array.isArray(required) || !required.every((k) => typeof k === 'string' && k in props)) throw new Error('required');
    const name = `object${this.functions.length}`;
    this.functions.push('');
    const body: string[] = [
      `function ${name}(v: unknown): boolean {`,
      `  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;`,
      `  const o = v as Record<string, unknown>;`,
      `  let n = 0;`,
      `  let x: unknown;`,
    ];
    for (const [key, schema] of Object.entries(props)) {
      const test = this.expr(schema, 'x');
      if (required.includes(key)) {
        body.push(`  if (!Object.hasOwn(o, ${lit(key)})) return false;`);
        body.push(`  x = o[${lit(key)}];`);
        body.push(`  if (!(${test})) return false;`);
        body.push(`  n++;`);
      } else {
        body.push(`  if (Object.hasOwn(o, ${lit(key)})) {`);
        body.push(`    x = o[${lit(key)}];`);
        body.push(`    if (!(${test})) return false;`);
        body.push(`    n++;`);
        body.push(`  }`);
      }
    }
    body.push(`  return Object.keys(o).length === n;`, `}`);
    this.functions[Number(name.slice('object'.length))] = body.join('\n');
    return name;
  }
}

function any(parts: readonly string[]): string {
  return parts.length === 1 ? (parts[0] ?? 'false') : parts.map((p) => `(${p})`).join(' || ');
}

/** The source of src/core/audit/eventCheck.ts for the schemas as they are now. */
export function eventCheckSource(): string {
  const json = (schema: z.ZodType): unknown => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' });
  return checkSource({
    isExactAuditEvent: {
      schema: json(auditEventSchema),
      doc: ['True only when `v` passes auditEventSchema unchanged: every key known', '(zod would strip others), every value valid.'],
    },
    isExactLinkedEvent: {
      schema: json(linkedEventSchema),
      doc: ['The same for linkedEventSchema (auditEventSchema less its hex patterns).'],
    },
  });
}

/** The module for JSON Schemas, one exported function each; throws on a keyword or form it does not know. */
export function checkSource(checks: Record<string, { schema: unknown; doc: string[] }>): string {
  const e = new Emitter();
  const exported = Object.entries(checks).flatMap(([name, { schema, doc }]) => [
    '/**',
    ...doc.map((d) => ` * ${d}`),
    ' * A fast path for reading a log: a value it turns down is left to zod.',
    ' */',
    `export function ${name}(v: unknown): boolean {`,
    `  return ${e.expr(schema, 'v')};`,
    '}',
    '',
  ]);
  return [
    '// Generated by scripts/audit-event-check.ts from the schemas in ./event.ts. Do not edit by hand.',
    '',
    ...e.consts,
    '',
    ...e.functions.flatMap((f) => [f, '']),
    ...exported,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(EVENT_CHECK_FILE, eventCheckSource());
  console.log(`wrote ${EVENT_CHECK_FILE}`);
}
