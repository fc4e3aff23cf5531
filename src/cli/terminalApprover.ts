import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ApprovalAnswer, ApprovalRequest, Approver } from '../core/agent/approver';
import type { GrantScopeKind, ToolPlan } from '../core/tools/tool';
import type { RuleWriter } from '../core/policy/suggestRules';

/** Lines read from stdin, one at a time, shared by every prompt. null once stdin ends. */
export interface LineSource {
  next(): Promise<string | null>;
  close(): void;
}

export function lineSource(input: Readable): LineSource {
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  const buffered: string[] = [];
  const waiting: Array<(line: string | null) => void> = [];
  let ended = false;
  rl.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else buffered.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const w of waiting.splice(0)) w(null);
  });
  return {
    next: () => {
      const b = buffered.shift();
      if (b !== undefined) return Promise.resolve(b);
      if (ended) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => rl.close(),
  };
}

/** The plan as the terminal shows it (every string was redacted and neutralised by the pipeline). */
export function describePlan(plan: ToolPlan): string {
  switch (plan.kind) {
    case 'read':
      return `${plan.summary}\n  target: ${plan.target.absolute}`;
    case 'write':
      return `${plan.summary}\n  target: ${plan.target.absolute}${plan.target.protected ? '  (PROTECTED path)' : ''}\n${plan.diff}`;
    case 'command': {
      const lines = plan.commands.map(
        (c) =>
          `  - ${c.argv ? JSON.stringify(c.argv) : c.text}  → ${c.decision.decision} (${c.decision.reason}${c.decision.rule ? `, ${c.decision.rule}` : ''})`,
      );
      return [
        plan.summary,
        `  command: ${plan.command}`,
        '  simple commands:',
        ...lines,
        `  cwd: ${plan.cwd}`,
        `  sandbox: ${plan.sandbox === 'none' ? 'NONE — runs with your full access' : plan.sandbox}`,
        `  network: ${plan.hosts.length ? plan.hosts.join(', ') : 'none'}`,
        `  secrets: ${plan.secrets.length ? plan.secrets.join(', ') : 'none'}`,
        `  timeout: ${Math.round(plan.timeoutMs / 1000)} s`,
      ].join('\n');
    }
    case 'fetch':
      return `${plan.summary}\n  host: ${plan.host}`;
    case 'mcp':
      return [
        plan.summary,
        `  server: ${plan.server} (${plan.where})`,
        `  tool: ${plan.serverTool}${plan.annotations.readOnlyHint ? '  (declared read-only)' : ''}${plan.annotations.destructiveHint ? '  (declared DESTRUCTIVE)' : ''}`,
        `  description: ${plan.description}`,
        `  secrets: ${plan.secrets.length ? plan.secrets.join(', ') : 'none'}`,
        `  arguments:\n${plan.arguments.replace(/^/gm, '    ')}`,
      ].join('\n');
    case 'invalid':
      return plan.error;
  }
}

const HELP =
  'answer: a = approve (this call only), r [feedback] = reject, e = edit, s = approve for this session (the narrowest grant offered), f = this file for the session, d = this folder for the session, w = always allow (adds a rule to your user settings)';

/** The answer letter of each grant scope (`s` always picks the narrowest offered). */
const SCOPE_LETTER: Record<GrantScopeKind, string> = { file: 'f', folder: 'd', exact: 's' };

const LETTER_OF_WORD: Readonly<Record<string, string>> = { s: 's', session: 's', f: 'f', file: 'f', d: 'd', folder: 'd' };

type Offered = NonNullable<ApprovalRequest['sessionGrant']['scopes']>;

/** The grant scopes a request offers (older requests carry only the narrowest one's description). */
function offeredScopes(req: ApprovalRequest): Offered {
  if (!req.sessionGrant.allowed) return [];
  return req.sessionGrant.scopes ?? [{ scope: 'exact', label: 'this call', description: req.sessionGrant.description }];
}

/** The prompt's part naming each grant a person may give, with the letter that gives it. */
function scopeChoices(req: ApprovalRequest): string {
  const scopes = offeredScopes(req);
  if (scopes.length === 0) return '';
  if (scopes.length === 1) return `, s = approve for this session (${scopes[0]?.description ?? ''})`;
  return scopes.map((s) => `, ${SCOPE_LETTER[s.scope]} = ${s.label} for this session (${s.description})`).join('');
}

/** The session answer a letter gives, or why it cannot be given. */
function sessionAnswer(req: ApprovalRequest, letter: string): ApprovalAnswer | string {
  const scopes = offeredScopes(req);
  if (scopes.length === 0) return `not offered: ${req.sessionGrant.description}`;
  const picked = letter === 's' ? scopes[0] : scopes.find((s) => SCOPE_LETTER[s.scope] === letter);
  if (!picked) return `not offered for this call: ${letter === 'd' ? 'a folder grant' : 'a file grant'}`;
  return req.sessionGrant.scopes ? { kind: 'approve-for-session', scope: picked.scope } : { kind: 'approve-for-session' };
}

/**
 * `--approve ask`: shows the plan (diff or parsed command) and reads an
 * answer line. `e` then reads the edited command (one line) or the edited
 * file content (lines up to a line holding only `.`). End of input rejects.
 */
export function terminalApprover(lines: LineSource, out: Writable, rules: RuleWriter | null = null): Approver {
  return {
    async request(req: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
      out.write(
        `\n── approval needed: ${req.tool} — ${req.decision.reason}${req.decision.rule ? ` (${req.decision.rule})` : ''}\n${req.why ?? req.decision.message}\n${req.decision.message}\n${describePlan(req.plan)}\n`,
      );
      const offered = req.suggestions && 'rules' in req.suggestions ? req.suggestions.rules : [];
      for (let attempt = 0; attempt < 3; attempt++) {
        if (signal.aborted) return { kind: 'reject', feedback: 'cancelled' };
        const session = scopeChoices(req);
        const always = offered.length && rules ? ', [w] always allow…' : '';
        out.write(`[a]pprove / [r]eject [feedback] / [e]dit${session}${always} > `);
        const line = await lines.next();
        if (line === null) {
          out.write('\n(no answer: input ended) rejected\n');
          return { kind: 'reject', feedback: 'No answer was given (input ended).' };
        }
        const [word = '', ...rest] = line.trim().split(/\s+/);
        const feedback = rest.join(' ');
        switch (word.toLowerCase()) {
          case 'a':
          case 'y':
          case 'yes':
          case 'approve':
            return { kind: 'approve' };
          case 'r':
          case 'n':
          case 'no':
          case 'reject':
            return feedback ? { kind: 'reject', feedback } : { kind: 'reject' };
          case 's':
          case 'session':
          case 'f':
          case 'file':
          case 'd':
          case 'folder': {
            const answer = sessionAnswer(req, LETTER_OF_WORD[word.toLowerCase()] ?? 's');
            if (typeof answer !== 'string') return answer;
            out.write(`${answer}\n`);
            continue;
          }
          case 'w':
          case 'always': {
            if (await alwaysAllow(req, lines, out, rules)) return { kind: 'approve' };
            continue;
          }
          case 'e':
          case 'edit': {
            const edited = await readEdit(req, lines, out);
            if (edited) return edited;
            continue;
          }
          default:
            out.write(`${HELP}\n`);
        }
      }
      return { kind: 'reject', feedback: 'No valid answer was given.' };
    },
  };
}

/**
 * "Always allow…": lists the suggested rules (narrowest first), reads a
 * number, shows the setting exactly as it will be written, and writes it
 * only on `y`. True when the rule was written (the call is then approved).
 */
async function alwaysAllow(req: ApprovalRequest, lines: LineSource, out: Writable, rules: RuleWriter | null): Promise<boolean> {
  const s = req.suggestions;
  if (!s || 'none' in s) {
    out.write(`no rule offered: ${s ? s.none : 'no suggestions'}\n`);
    return false;
  }
  if (!rules) {
    out.write('no rule offered: no --settings file to write it to\n');
    return false;
  }
  s.rules.forEach((r, i) =>
    out.write(
      `  ${i + 1}) ${r.setting} += ${r.entries.map((e) => JSON.stringify(e)).join(', ')}   (${r.label}${r.narrowest ? ', narrowest' : ''})\n`,
    ),
  );
  out.write(`rule (1-${s.rules.length}) > `);
  const picked = s.rules[Number((await lines.next())?.trim() ?? '') - 1];
  if (!picked) {
    out.write('no rule chosen\n');
    return false;
  }
  try {
    const next = await rules.preview(picked);
    out.write(`will write to ${rules.where}:\n  "${picked.setting}": ${JSON.stringify(next)}\nwrite it? [y/N] > `);
    const yes = /^(y|yes)$/i.test((await lines.next())?.trim() ?? '');
    if (!yes) {
      out.write('not written\n');
      return false;
    }
    await rules.write(picked);
    out.write(
      `written: ${picked.setting} now holds ${picked.entries.map((e) => JSON.stringify(e)).join(', ')}; it applies from the next run (this one keeps the policy it started with)\n`,
    );
    return true;
  } catch (err) {
    out.write(`could not write the rule: ${err instanceof Error ? err.message : String(err)}\n`);
    return false;
  }
}

async function readEdit(req: ApprovalRequest, lines: LineSource, out: Writable): Promise<ApprovalAnswer | null> {
  if (req.editable === 'command') {
    out.write('edited command (one line) > ');
    const cmd = await lines.next();
    return cmd && cmd.trim() ? { kind: 'approve-edited', command: cmd } : null;
  }
  if (req.editable === 'content') {
    out.write('edited file content; end with a line holding only "." >\n');
    const body: string[] = [];
    for (;;) {
      const l = await lines.next();
      if (l === null || l === '.') break;
      body.push(l);
    }
    return { kind: 'approve-edited', content: body.length ? `${body.join('\n')}\n` : '' };
  }
  out.write(`${req.tool} calls cannot be edited\n`);
  return null;
}
