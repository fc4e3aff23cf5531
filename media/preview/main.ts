// The command preview webview: the command awaiting approval in an editable
// field, what the guard found in each part of it, where and how it would run,
// hidden characters flagged, then its output while it runs. Renders with
// textContent only and loads nothing remote (see the CSP in previewHtml.ts).
// Every message from the host is validated on arrival.
import { hiddenSummary, segments } from '../../src/vscode/approvals/hiddenFlags';
import {
  previewHostMessageSchema,
  type CommandProposal,
  type PreviewState,
  type PreviewViewMessage,
} from '../../src/vscode/approvals/previewMessages';

interface VsCodeApi {
  postMessage(message: PreviewViewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: PreviewViewMessage): void => vscode.postMessage(m);
const app = document.getElementById('app') as HTMLElement;

let current: CommandProposal | null = null;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; id?: string } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.id) e.id = props.id;
  if (props.text !== undefined) e.textContent = props.text;
  for (const c of children) e.append(c);
  return e;
}

/** Text with every hidden character shown as a highlighted `<U+XXXX>` marker. */
function flagged(text: string, className = ''): HTMLElement {
  const span = el('span', { className });
  for (const s of segments(text)) {
    if (s.hidden) {
      const mark = el('mark', { className: 'hidden-char', text: s.text });
      mark.title = `hidden ${s.flag.kind}`;
      span.append(mark);
    } else span.append(document.createTextNode(s.text));
  }
  return span;
}

function row(label: string, value: Node): HTMLElement {
  return el('div', { className: 'row' }, el('span', { className: 'label', text: label }), value);
}

function render(p: CommandProposal): void {
  current = p;
  app.replaceChildren();
  const warning = hiddenSummary(p.command);
  if (warning) {
    const banner = el(
      'div',
      { className: 'banner danger', id: 'hidden-warning' },
      el('strong', { text: '⚠ Hidden characters: ' }),
      document.createTextNode(warning),
    );
    banner.setAttribute('role', 'alert');
    app.append(banner);
  }
  app.append(el('h1', { text: p.mcp ? 'The agent asks to call a tool of an MCP server' : 'The agent asks to run a command' }));
  if (p.why) app.append(el('p', { className: 'why-line', id: 'why-line', text: p.why }));
  app.append(el('p', { className: 'why', text: `${p.decision.message}${p.decision.rule ? ` (rule: ${p.decision.rule})` : ''}` }));
  if (p.mcp) {
    renderMcp(p, p.mcp);
    return;
  }

  const field = el('textarea', { id: 'command' });
  field.value = p.command;
  field.rows = Math.min(8, Math.max(2, p.command.split('\n').length + 1));
  field.readOnly = !p.editable;
  field.spellcheck = false;
  field.setAttribute('aria-label', 'Command to run (editable)');
  const shown = el('div', { className: 'command-visible', id: 'command-visible' }, flagged(p.command));
  const edited = el('div', { className: 'edited muted', id: 'edited-note' });
  let checkTimer: ReturnType<typeof setTimeout> | undefined;
  field.addEventListener('input', () => {
    shown.replaceChildren(flagged(field.value));
    edited.textContent =
      field.value === p.command ? '' : 'Edited: the verdicts below are for your version; Warden checks it again before it runs.';
    // A session grant covers the model's command only: not offered for an edit.
    const session = document.getElementById('run-session') as HTMLButtonElement | null;
    if (session) session.disabled = field.value !== p.command;
    nameButtons(field.value);
    // The extension's guard decides the edited text; the view only shows its answer.
    clearTimeout(checkTimer);
    checkTimer = setTimeout(() => {
      if (field.value.trim() !== '') post({ type: 'check', callId: p.callId, command: field.value });
    }, 200);
  });
  app.append(el('label', { text: 'Command', className: 'section' }), field, shown, edited);

  const heading = el('div', { className: 'section', id: 'commands-heading' });
  const list = el('ul', { id: 'commands' });
  const problem = el('div', { className: 'muted', id: 'check-problem' });
  app.append(heading, list, problem);
  showCommands(p.commands, null);

  const facts = el('div', { className: 'facts' });
  facts.append(row('Working folder', flagged(p.cwd, 'code')));
  facts.append(row('Secrets it receives', el('span', { id: 'secrets', text: p.secrets.length ? p.secrets.join(', ') : 'none' })));
  const sandboxed = p.sandbox !== 'none';
  facts.append(
    row(
      'Sandbox',
      el('span', {
        id: 'sandbox',
        className: sandboxed ? '' : 'danger-text',
        text: sandboxed ? `${p.sandbox} (file system and network confined)` : 'none: runs with your full rights',
      }),
    ),
  );
  facts.append(row('Network hosts', el('span', { id: 'hosts', text: p.hosts.length ? p.hosts.join(', ') : 'none' })));
  facts.append(row('It contacts', el('ul', { id: 'reaches', className: 'reaches' })));
  facts.append(row('Timeout', el('span', { text: `${Math.round(p.timeoutMs / 1000)} s` })));
  app.append(facts);
  showReaches(p.reaches);

  appendAnswers(p, field, edited);
}

/** Run (or Call), for this session, Always allow…, Reject with feedback; then the state line, Stop and the output. */
function appendAnswers(p: CommandProposal, field: { value: string }, edited: HTMLElement): void {
  const verb = p.mcp ? 'Call' : 'Run';
  const buttons = el('div', { className: 'buttons' });
  const run = el('button', { id: 'run', text: verb });
  run.title = `${verb} ${p.mcp ? 'this tool' : 'this command'} (${KEYS.run})`;
  run.setAttribute('aria-keyshortcuts', ARIA_KEYS.run);
  run.addEventListener('click', () => {
    if (field.value.trim() === '') return;
    post({ type: 'run', callId: p.callId, command: field.value });
    setButtons(false);
  });
  buttons.append(run);
  if (p.sessionGrant.allowed) {
    const session = el('button', { id: 'run-session', className: 'secondary', text: `${verb} for this session` });
    session.title = `Later calls run unasked: ${p.sessionGrant.description}`;
    session.addEventListener('click', () => {
      if (field.value !== p.command) {
        edited.textContent = 'Run for this session covers the exact proposed command only: undo your edit or use Run.';
        return;
      }
      post({ type: 'run-for-session', callId: p.callId });
      setButtons(false);
    });
    buttons.append(session);
  }
  if (p.alwaysAllow) {
    const always = el('button', { id: 'always-allow', className: 'secondary', text: 'Always allow…' });
    always.title = 'Add a rule to your user settings (you see it as it will be written first), then run';
    always.addEventListener('click', () => post({ type: 'always-allow', callId: p.callId }));
    buttons.append(always);
  }
  const feedback = el('input', { id: 'feedback' });
  feedback.placeholder = 'Why reject? (optional, told to the agent)';
  const reject = el('button', { id: 'reject', className: 'secondary', text: 'Reject' });
  reject.title = `Reject: nothing runs (${KEYS.reject})`;
  reject.setAttribute('aria-keyshortcuts', ARIA_KEYS.reject);
  reject.addEventListener('click', () => {
    post({ type: 'reject', callId: p.callId, ...(feedback.value.trim() ? { feedback: feedback.value } : {}) });
    setButtons(false);
  });
  buttons.append(reject, feedback);
  app.append(buttons);
  nameButtons(p.command);

  // Only the state line is announced (waiting, running, its outcome); the streamed output is not.
  const status = el('div', { id: 'state', className: 'state waiting', text: 'Waiting for your answer.' });
  status.setAttribute('role', 'status');
  const stop = el('button', { id: 'stop', className: 'secondary', text: 'Stop' });
  stop.hidden = true;
  stop.addEventListener('click', () => post({ type: 'stop', callId: p.callId }));
  app.append(el('div', { className: 'status-line' }, status, stop));
  app.append(el('pre', { id: 'output', className: 'output' }));
}

/**
 * A call of an MCP server's tool: the server, the tool and what its server
 * says about it (untrusted words), where the server runs, the secrets it
 * holds, and the exact arguments. Nothing here is editable.
 */
function renderMcp(p: CommandProposal, m: NonNullable<CommandProposal['mcp']>): void {
  const facts = el('div', { className: 'facts' });
  facts.append(row('Server', el('span', { id: 'mcp-server', className: 'code', text: m.server })));
  const tool = el('span', { id: 'mcp-tool' }, flagged(m.serverTool, 'code'));
  if (m.hint)
    tool.append(
      document.createTextNode(' '),
      el('span', { className: `badge ${m.hint === 'destructive' ? 'deny destructive' : 'allow'}`, text: `declared ${m.hint}` }),
    );
  facts.append(row('Tool', tool));
  facts.append(row('Runs', el('span', { id: 'sandbox', text: m.where })));
  facts.append(row('Secrets it holds', el('span', { id: 'secrets', text: p.secrets.length ? p.secrets.join(', ') : 'none' })));
  facts.append(
    row("The server's description", el('span', { id: 'mcp-description', className: 'muted' }, flagged(m.description || '(none)'))),
  );
  app.append(facts);
  app.append(el('label', { text: 'Arguments', className: 'section' }));
  app.append(el('pre', { id: 'mcp-arguments', className: 'command-visible' }, flagged(m.arguments)));
  appendAnswers(p, { value: p.command }, el('div', { className: 'edited muted', id: 'edited-note' }));
}

/** Run and Reject say what they act on (a screen reader hears `Run: npm test`). */
function nameButtons(command: string): void {
  const short = command.length > 60 ? `${command.slice(0, 59)}…` : command;
  document.getElementById('run')?.setAttribute('aria-label', `${current?.mcp ? 'Call' : 'Run'}: ${short}`);
  document.getElementById('reject')?.setAttribute('aria-label', `Reject: ${short}`);
}

/** Run and Reject answer to the keys the proposal diff's Accept and Reject use. */
const MAC = /Mac/.test(navigator.platform);
const KEYS = { run: MAC ? '⌘⌥Enter' : 'Ctrl+Alt+Enter', reject: MAC ? '⌘⌥Backspace' : 'Ctrl+Alt+Backspace' };
const ARIA_KEYS = { run: MAC ? 'Meta+Alt+Enter' : 'Control+Alt+Enter', reject: MAC ? 'Meta+Alt+Backspace' : 'Control+Alt+Backspace' };
document.addEventListener('keydown', (ev) => {
  if (!(MAC ? ev.metaKey : ev.ctrlKey) || !ev.altKey || ev.shiftKey) return;
  const id = ev.key === 'Enter' ? 'run' : ev.key === 'Backspace' ? 'reject' : null;
  const button = id ? (document.getElementById(id) as HTMLButtonElement | null) : null;
  if (!button || button.disabled) return;
  ev.preventDefault();
  ev.stopPropagation();
  button.click();
});

function setButtons(enabled: boolean): void {
  for (const id of ['run', 'run-session', 'always-allow', 'reject']) {
    const b = document.getElementById(id) as HTMLButtonElement | null;
    if (b) b.disabled = !enabled;
  }
  const f = document.getElementById('command') as HTMLTextAreaElement | null;
  if (f) f.readOnly = !enabled || !current?.editable;
}

/** The simple commands and the guard's verdict for each: the proposal's, then those of the person's edit. */
function showCommands(commands: CommandProposal['commands'], problem: string | null): void {
  const list = document.getElementById('commands');
  const heading = document.getElementById('commands-heading');
  const note = document.getElementById('check-problem');
  if (!list || !heading || !note) return;
  list.replaceChildren();
  for (const c of commands) {
    const destructive = c.reason === 'destructive-operation';
    const li = el('li', { className: `verdict ${c.decision}${destructive ? ' destructive' : ''}` });
    li.append(el('span', { className: 'badge', text: destructive ? 'destructive' : c.decision }), flagged(c.text, 'code'));
    li.append(el('div', { className: 'muted', text: `${c.rule ? `rule ${c.rule} — ` : ''}${c.message} [${c.reason}]` }));
    list.append(li);
  }
  heading.textContent = `Simple commands (${commands.length})`;
  note.textContent = problem ?? '';
}

/** The hosts the command names: each allowed, or what the sandbox will do with it. */
function showReaches(reaches: CommandProposal['reaches']): void {
  const list = document.getElementById('reaches');
  if (!list || !current) return;
  list.replaceChildren();
  const sandboxed = current.sandbox !== 'none';
  const allowed = current.hosts.filter((h) => !h.startsWith('('));
  if (reaches.length === 0) list.append(el('li', { className: 'muted', text: 'no host named in the command' }));
  for (const r of reaches) {
    const blocked = sandboxed && !r.allowed;
    const why = !sandboxed
      ? 'no sandbox: nothing stops it'
      : r.allowed
        ? `allowed (${r.entry ?? 'allowed hosts'})`
        : `not in allowed hosts${allowed.length ? ` (${allowed.join(', ')})` : ''}: the sandbox will block it`;
    const li = el('li', { className: blocked ? 'reach blocked' : sandboxed ? 'reach allowed' : 'reach unconfined' });
    li.append(el('span', { className: 'code', text: r.host }), document.createTextNode(` — ${why}`));
    list.append(li);
  }
}

function setState(state: PreviewState, text: string): void {
  const s = document.getElementById('state');
  if (s) {
    s.className = `state ${state}`;
    s.textContent = text;
  }
  const stop = document.getElementById('stop');
  if (stop) stop.hidden = state !== 'running';
  if (state !== 'waiting') setButtons(false);
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const parsed = previewHostMessageSchema.safeParse(ev.data);
  if (!parsed.success) return;
  const m = parsed.data;
  switch (m.type) {
    case 'show':
      render(m.proposal);
      break;
    case 'output': {
      if (m.callId !== current?.callId) return;
      const out = document.getElementById('output');
      if (!out) return;
      out.append(el('span', { className: m.stream, text: m.chunk }));
      out.scrollTop = out.scrollHeight;
      break;
    }
    case 'state':
      if (m.callId === current?.callId) setState(m.state, m.text);
      break;
    case 'checked': {
      // Only the answer for what the field holds now; an older one is dropped.
      const field = document.getElementById('command') as HTMLTextAreaElement | null;
      if (m.callId === current?.callId && field?.value === m.command) {
        showCommands(m.commands, m.problem);
        showReaches(m.reaches);
      }
      break;
    }
  }
});

post({ type: 'ready' });
