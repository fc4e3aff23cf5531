import { Minimatch } from 'minimatch';
import * as z from 'zod';
import { secretNameSchema } from '../secrets/secretName';
import { parseCommandPattern } from './commandPattern';
import { parseHostEntry } from './hostEntry';
import { serversSettingSchema } from '../mcp/config';
import { toolPatternSchema } from '../mcp/names';
import type { SettingsProblem } from './guard';

/**
 * Every `warden.*` setting: its zod schema and default. Defaults equal those
 * in package.json `contributes.configuration` (a test holds the two together).
 */
const glob = z
  .string()
  .min(1, 'a glob may not be empty')
  .max(1000)
  // eslint-disable-next-line no-control-regex -- spotting control characters is the point
  .refine((s) => !/[\x00-\x1f\x7f]/.test(s), 'a glob may not hold control characters')
  .refine((s) => new Minimatch(s, { dot: true }).makeRe() !== false, 'not a glob minimatch can compile');
const globs = z.array(glob).max(1000);
const commandPattern = z
  .string()
  .max(1000)
  .superRefine((s, ctx) => {
    const p = parseCommandPattern(s);
    if (typeof p === 'string') ctx.addIssue({ code: 'custom', message: `command pattern '${s}' ${p}` });
  });
const patterns = z.array(commandPattern).max(1000);
const host = z
  .string()
  .max(300)
  .refine((s) => parseHostEntry(s) !== null, { error: (iss) => `'${String(iss.input)}' is not a host, *.domain or host:port` });
const hosts = z.array(host).max(1000);
const ignorePattern = z
  .string()
  .min(1, 'a pattern may not be empty')
  .max(1000)
  // eslint-disable-next-line no-control-regex -- a line break would make two patterns of one
  .refine((s) => !/[\x00-\x1f\x7f]/.test(s), 'a pattern may not hold control characters or line breaks');
const httpUrl = z
  .string()
  .max(2000)
  .refine((s) => s === '' || /^https?:\/\/[^\s]+$/.test(s), 'must be empty or an http(s) URL');
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,200}$/, 'not an HTTP header name');

/** `host:port` (IPv6 in brackets), or null. */
export function parseHostPort(s: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(s);
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

export const SETTING_SCHEMAS = {
  'warden.model': z.string().min(1).max(200).default('claude-sonnet-5-5'),
  'warden.thinking.effort': z.enum(['default', 'low', 'medium', 'high', 'xhigh', 'max']).default('default'),
  'warden.anthropic.contextWindow': z.number().int().min(0).max(10_000_000).default(0),
  'warden.anthropic.baseUrl': httpUrl.default(''),
  'warden.paths.write': globs.default(['**']),
  'warden.paths.autoApprove': globs.default([]),
  'warden.paths.denyRead': globs.default([
    '**/.env',
    '**/.env.*',
    '**/*.pem',
    '**/*.key',
    '**/id_rsa*',
    '**/id_ed25519*',
    '**/.npmrc',
    '**/.pypirc',
    '**/.netrc',
    '**/.aws/**',
    '**/.ssh/**',
    '**/.docker/config.json',
    '**/secrets/**',
  ]),
  'warden.paths.protected': globs.default([]),
  'warden.commands.allow': patterns.default(['git status', 'git diff *', 'git log *', 'ls *', 'pwd']),
  'warden.commands.deny': patterns.default(['sudo *', 'su *', 'doas *', 'mkfs *', 'shutdown *', 'reboot *']),
  'warden.commands.timeoutSeconds': z.number().min(1).max(3600).default(120),
  'warden.network.allowedHosts': hosts.default([]),
  'warden.secrets': z
    .record(secretNameSchema, z.strictObject({ commands: patterns, hosts: hosts.optional(), writable: z.boolean().optional() }))
    .default({}),
  'warden.approval.reads': z.enum(['auto', 'ask']).default('auto'),
  'warden.limits.maxTurns': z.number().int().min(1).max(500).default(30),
  'warden.limits.maxCostUsd': z.number().min(0).default(2),
  'warden.checkpoints.enabled': z.boolean().default(true),
  'warden.checkpoints.exclude': z.array(ignorePattern).max(1000).default(['node_modules/']),
  'warden.checkpoints.includeIgnored': z.boolean().default(false),
  'warden.checkpoints.keepTasks': z.number().int().min(1).max(10_000).default(50),
  'warden.checkpoints.maxStoreMiB': z.number().int().min(16).max(1_000_000).default(2048),
  'warden.checkpoints.snapshotTimeoutSeconds': z.number().min(1).max(600).default(20),
  /** MCP servers that start without asking; user settings only (src/core/mcp/config.ts). */
  'warden.mcp.servers': serversSettingSchema.default({}),
  /** Whether a workspace's .vscode/mcp.json / .mcp.json servers are listed for approval ('propose') or ignored ('off'). User settings only. */
  'warden.mcp.workspaceServers': z.enum(['propose', 'off']).default('propose'),
  'warden.mcp.tools.allow': z.array(toolPatternSchema).max(1000).default([]),
  'warden.mcp.tools.ask': z.array(toolPatternSchema).max(1000).default([]),
  'warden.mcp.tools.deny': z.array(toolPatternSchema).max(1000).default([]),
  // Audit export (user or managed settings only: a repository can never redirect the record).
  'warden.audit.export.otlp.endpoint': httpUrl.default(''),
  'warden.audit.export.otlp.headers': z.record(headerName, z.string().max(8000)).default({}),
  'warden.audit.export.otlp.caFile': z.string().max(4096).default(''),
  'warden.audit.export.syslog.address': z
    .string()
    .max(300)
    .refine((s) => s === '' || parseHostPort(s) !== null, 'must be empty or host:port')
    .default(''),
  'warden.audit.export.syslog.tls': z.boolean().default(false),
  'warden.audit.export.syslog.caFile': z.string().max(4096).default(''),
  // Managed-only keys (src/core/policy/managed.ts): read from the managed policy files alone.
  'warden.managed.organizationId': z.string().max(200).default(''),
  'warden.managed.forbidUnsandboxedRunner': z.boolean().default(false),
  'warden.managed.forbidWorkspaceMcpServers': z.boolean().default(false),
  'warden.managed.forbidAutoReads': z.boolean().default(false),
  'warden.managed.allowedModelEndpoints': z
    .array(httpUrl.refine((s) => s !== '', 'an endpoint may not be empty'))
    .max(100)
    .default([]),
  'warden.managed.requireAuditExport': z.boolean().default(false),
} as const;

export type SettingKey = keyof typeof SETTING_SCHEMAS;
export type Settings = { -readonly [K in SettingKey]: z.output<(typeof SETTING_SCHEMAS)[K]> };
export type SecretRule = Settings['warden.secrets'][string];

export const SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTING_SCHEMAS, key);
}

/** Every default, freshly built. */
export function defaultSettings(): Settings {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) out[key] = SETTING_SCHEMAS[key].parse(undefined);
  return out as Settings;
}

export interface ParsedSettings {
  /** Only the keys that were present and valid. */
  readonly values: Partial<Settings>;
  readonly problems: readonly SettingsProblem[];
}

/**
 * Reads a flat `{"warden.x.y": value}` object (settings.json shape). Keys
 * outside `warden.` are ignored; an unknown `warden.` key or a bad value is a
 * problem naming the key.
 */
export function parseFlatSettings(raw: unknown, origin = 'settings'): ParsedSettings {
  if (raw === undefined || raw === null) return { values: {}, problems: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { values: {}, problems: [{ key: origin, message: `${origin} must be a JSON object of "warden.*" keys` }] };
  }
  const values: Record<string, unknown> = {};
  const problems: SettingsProblem[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'warden') {
      problems.push({ key, message: `${origin}: "warden" must be written as flat keys such as "warden.paths.write"` });
      continue;
    }
    if (!key.startsWith('warden.')) continue;
    if (!isSettingKey(key)) {
      problems.push({ key, message: `${origin}: unknown setting ${key}` });
      continue;
    }
    const r = SETTING_SCHEMAS[key].safeParse(value);
    if (r.success) values[key] = r.data;
    else {
      const detail = r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message).join('; ');
      problems.push({ key, message: `${origin}: ${key} is invalid: ${detail}` });
    }
  }
  return { values: values, problems };
}
