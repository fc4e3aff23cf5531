// The chat webview. It renders what the extension host posts and posts back
// what the person does. Every message is validated on arrival; nothing remote
// is ever loaded (see the CSP in the provider and ./markdown.ts).
import DOMPurify from 'dompurify';
import { hostMessageSchema, type ChatItem, type ToolCard, type ViewMessage, type ViewState } from '../../src/vscode/chat/protocol';
import { approveLabel, cardLabel, cardTruth, detailsLabel } from '../../src/vscode/chat/cardText';
import { renderMarkdown } from './markdown';

const APPROVER: Record<NonNullable<ToolCard['approver']>, string> = {
  rule: 'rule',
  person: 'person',
  'person-edited': 'person (edited)',
  'session-grant': 'session grant',
};

interface VsCodeApi {
  postMessage(message: ViewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: ViewMessage): void => vscode.postMessage(m);

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
};

const transcript = $<HTMLDivElement>('transcript');
const banners = $<HTMLDivElement>('banners');
const meter = $<HTMLSpanElement>('meter');
const sandboxLabel = $<HTMLSpanElement>('sandbox');
const input = $<HTMLTextAreaElement>('input');
const sendButton = $<HTMLButtonElement>('send');
const stopButton = $<HTMLButtonElement>('stop');
const welcome = $<HTMLDivElement>('welcome');
const announcer = $<HTMLDivElement>('announcer');

/**
 * Only final answers, approvals and errors are announced (streamed text and
 * tool output are not): the transcript itself is not a live region.
 */
function announce(text: string): void {
  announcer.textContent = text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

/** What Warden is and two ways to start, while the chat is empty. */
function renderWelcome(state: ViewState | null): void {
  welcome.hidden = transcript.childElementCount > 0;
  if (welcome.hidden || !state) return;
  const examples = [
    'Explain what this workspace does and how it is laid out',
    'Find the TODO comments and list them by file',
    'Run the tests and tell me what fails',
  ];
  const start = el('div', 'welcome-start');
  const key = el('button', state.apiKeySet ? 'secondary' : '', state.apiKeySet ? 'Change API Key' : 'Set API Key') as HTMLButtonElement;
  key.onclick = () => post({ type: 'action', action: 'setApiKey' });
  const settings = el('button', 'secondary', 'Open Settings') as HTMLButtonElement;
  settings.onclick = () => post({ type: 'action', action: 'openSettings' });
  start.append(
    el('p', '', 'Two ways to start:'),
    el('div', 'welcome-way', 'An Anthropic API key, kept in VS Code’s secret storage.'),
    key,
    el('div', 'welcome-way', 'Or a local or company endpoint: set warden.anthropic.baseUrl and warden.model.'),
    settings,
  );
  const list = el('div', 'welcome-examples');
  list.append(el('p', '', 'Try asking:'));
  for (const x of examples) {
    const b = el('button', 'example secondary', x) as HTMLButtonElement;
    b.onclick = () => {
      input.value = x;
      input.focus();
    };
    list.append(b);
  }
  welcome.replaceChildren(
    el('h2', '', 'Warden'),
    el(
      'p',
      '',
      'A coding agent whose every step passes a guard. It reads inside this workspace; every file change opens as a diff and every command in a preview, and nothing is written or run until you approve it (or a rule you set allows it). Everything is recorded in the audit log.',
    ),
    start,
    list,
  );
}
let lastState: ViewState | null = null;

const assistantText = new Map<string, string>();
const thinkingItems = new Map<string, Extract<ChatItem, { kind: 'thinking' }>>();
/** Cards whose details the person opened: a re-render (the card updating) keeps them open. */
const openDetails = new Set<string>();
/** Thinking rows the person opened: a re-render keeps them open. */
const openThinking = new Set<string>();
let busy = false;

function safeHtml(markdown: string): string {
  return DOMPurify.sanitize(renderMarkdown(markdown), {
    FORBID_TAGS: ['img', 'style', 'iframe', 'form', 'input', 'video', 'audio', 'source', 'object', 'embed', 'link', 'svg', 'math'],
    FORBID_ATTR: ['href', 'src', 'srcset', 'style', 'action', 'formaction', 'xlink:href'],
  });
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function renderCard(card: ToolCard): HTMLElement {
  const box = el('div', `card status-${card.status}`);
  box.dataset.decision = card.decision ?? 'pending';
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', cardLabel(card));
  const head = el('div', 'card-head');
  head.append(el('span', 'card-tool', card.tool), el('span', 'card-summary', card.summary));
  if (card.decision) head.append(el('span', `badge badge-${card.decision}`, card.decision));
  box.append(head);
  if (card.why) box.append(el('div', 'card-why', card.why));
  box.append(el('div', 'card-truth', cardTruth(card)));
  // The first lines say what happened; the facts, the plan and the output fold behind a disclosure.
  const details = document.createElement('details');
  details.className = 'card-details';
  details.open = openDetails.has(card.id);
  details.addEventListener('toggle', () => (details.open ? openDetails.add(card.id) : openDetails.delete(card.id)));
  details.append(el('summary', 'card-details-summary', detailsLabel(card)));
  const facts = el('div', 'card-facts');
  if (card.rule) facts.append(el('span', 'card-rule', `rule: ${card.rule}`));
  if (card.reason) facts.append(el('span', 'card-reason', `reason: ${card.reason}`));
  if (card.approver) facts.append(el('span', 'card-approver', `decided by: ${APPROVER[card.approver]}`));
  facts.append(el('span', 'card-status', card.status));
  details.append(facts);
  if (card.outcome) details.append(el('pre', 'card-outcome', card.outcome));
  box.append(details);
  if (card.status === 'awaiting-approval') {
    const actions = el('div', 'card-actions');
    const approve = el('button', 'approve', 'Approve') as HTMLButtonElement;
    const reject = el('button', 'reject secondary', 'Reject') as HTMLButtonElement;
    approve.setAttribute('aria-label', approveLabel(card));
    reject.setAttribute('aria-label', approveLabel(card).replace(/^Approve/, 'Reject'));
    approve.onclick = () => post({ type: 'approval', id: card.id, answer: 'approve' });
    reject.onclick = () => post({ type: 'approval', id: card.id, answer: 'reject' });
    approve.title = 'This call only';
    actions.append(approve, reject);
    // One button per grant scope (this file, its folder), on a row of their own: one click approves and grants it for the session.
    const grants = card.edited ? [] : (card.grants ?? []);
    if (grants.length > 0) {
      const row = el('div', 'grant-row');
      for (const g of grants) {
        const b = el('button', 'grant secondary', `Allow ${g.label} (session)`) as HTMLButtonElement;
        b.dataset.scope = g.scope;
        b.title = `Approve, and later calls run unasked for this session: ${g.description}`;
        b.setAttribute('aria-label', `${approveLabel(card)}, and allow ${g.description} for this session`);
        b.onclick = () => post({ type: 'approval', id: card.id, answer: 'approve-for-session', scope: g.scope });
        row.append(b);
      }
      actions.append(row);
    }
    box.append(actions);
  }
  return box;
}

/**
 * Updates a card in place from its fresh rendering, keeping its details
 * element (and so whether it is open, and keyboard focus on its disclosure);
 * returns the card now shown.
 */
function patchCard(existing: HTMLElement, fresh: HTMLElement): HTMLElement {
  const oldDetails = existing.querySelector<HTMLDetailsElement>(':scope > details.card-details');
  const newDetails = fresh.querySelector<HTMLDetailsElement>(':scope > details.card-details');
  const oldSummary = oldDetails?.querySelector(':scope > summary');
  const newSummary = newDetails?.querySelector(':scope > summary');
  if (!oldDetails || !newDetails || !oldSummary || !newSummary) return fresh;
  for (const name of ['class', 'data-decision', 'role', 'aria-label']) existing.setAttribute(name, fresh.getAttribute(name) ?? '');
  oldSummary.textContent = newSummary.textContent;
  for (const c of [...oldDetails.childNodes]) if (c !== oldSummary) c.remove();
  oldDetails.append(...[...newDetails.childNodes].filter((c) => c !== newSummary));
  for (const c of [...existing.childNodes]) if (c !== oldDetails) c.remove();
  let before = true;
  for (const c of [...fresh.childNodes]) {
    if (c === newDetails) before = false;
    else if (before) existing.insertBefore(c, oldDetails);
    else existing.append(c);
  }
  return existing;
}

const MARK = { added: '+', modified: '~', deleted: '−' } as const;

/** "Changed N files": the files (plain text), Compare and Restore for the step, Restore to here for the task. */
function renderCheckpoint(item: Extract<ChatItem, { kind: 'checkpoint' }>): HTMLElement {
  const box = el('div', 'checkpoint');
  box.setAttribute('role', 'group');
  const n = item.files.length;
  box.setAttribute('aria-label', `Step ${item.step} changed ${n} file${n === 1 ? '' : 's'}`);
  const files = document.createElement('details');
  files.append(el('summary', 'checkpoint-summary', `Step ${item.step} changed ${n} file${n === 1 ? '' : 's'}`));
  const list = el('ul', 'checkpoint-files');
  for (const f of item.files.slice(0, 200)) list.append(el('li', `checkpoint-file ${f.status}`, `${MARK[f.status]} ${f.path}`));
  if (n > 200) list.append(el('li', 'checkpoint-file', `… ${n - 200} more`));
  files.append(list);
  const actions = el('div', 'card-actions');
  const button = (label: string, aria: string, action: 'compare' | 'restore' | 'restoreTask', secondary: boolean) => {
    const b = el('button', secondary ? 'secondary' : '', label) as HTMLButtonElement;
    b.setAttribute('aria-label', aria);
    b.onclick = () => post({ type: 'checkpoint', action, checkpointId: item.checkpointId, taskId: item.taskId });
    return b;
  };
  actions.append(
    button('Compare', `Compare the files of step ${item.step} with now`, 'compare', true),
    button('Restore', `Restore the files to before step ${item.step}`, 'restore', true),
    button('Restore to here', 'Restore every file the task changed to before its first step', 'restoreTask', true),
  );
  box.append(files, actions);
  return box;
}

/** Thinking: collapsed, plain text only (textContent: never markdown, links or images). */
function renderThinking(item: Extract<ChatItem, { kind: 'thinking' }>): HTMLElement {
  thinkingItems.set(item.id, item);
  const box = document.createElement('details');
  box.className = `thinking${item.live ? ' live' : ''}`;
  box.open = openThinking.has(item.id);
  box.addEventListener('toggle', () => (box.open ? openThinking.add(item.id) : openThinking.delete(item.id)));
  const redacted = item.redacted ? ` · ${item.redacted} redacted block${item.redacted === 1 ? '' : 's'}` : '';
  box.append(el('summary', 'thinking-summary', `${item.live ? 'Thinking…' : 'Thought'}${redacted}`));
  box.append(el('pre', 'thinking-text', item.text || (item.redacted ? 'The API encrypted this thinking; nothing readable in it.' : '')));
  return box;
}

function renderItem(item: ChatItem): HTMLElement {
  switch (item.kind) {
    case 'user':
      return el('div', 'msg user', item.text);
    case 'assistant': {
      const div = el('div', 'msg assistant');
      assistantText.set(item.id, item.text);
      div.innerHTML = safeHtml(item.text);
      return div;
    }
    case 'thinking':
      return renderThinking(item);
    case 'tool':
      return renderCard(item.card);
    case 'checkpoint':
      return renderCheckpoint(item);
    case 'notice': {
      const div = el('div', `notice notice-${item.level}`, item.text);
      if (item.action) {
        const action = item.action;
        const b = el('button', 'secondary', actionLabel[action]) as HTMLButtonElement;
        b.onclick = () => post({ type: 'action', action });
        div.append(' ', b);
      }
      return div;
    }
  }
}

const actionLabel = {
  setApiKey: 'Set API Key',
  manageTrust: 'Manage Workspace Trust',
  openSettings: 'Open Settings',
  newChat: 'New Chat',
  retry: 'Retry',
} as const;

function upsert(item: ChatItem): void {
  const node = renderItem(item);
  node.id = `item-${item.id}`;
  const existing = document.getElementById(node.id);
  const live = existing && item.kind === 'tool' ? patchCard(existing, node) : node;
  if (existing && live === node) existing.replaceWith(node);
  else if (!existing) transcript.append(node);
  live.scrollIntoView({ block: 'end' });
  if (item.kind === 'tool' && item.card.status === 'awaiting-approval') announce(`Approval needed: ${cardLabel(item.card)}`);
  if (item.kind === 'notice' && item.level === 'error') node.setAttribute('role', 'alert');
  renderWelcome(lastState);
}

function appendDelta(id: string, text: string): void {
  const next = (assistantText.get(id) ?? '') + text;
  upsert({ kind: 'assistant', id, text: next });
}

function renderState(state: ViewState): void {
  // A task just ended: announce its final answer.
  if (busy && !state.busy) {
    const last = [...transcript.querySelectorAll('.msg.assistant')].at(-1);
    if (last?.textContent) announce(`Warden: ${last.textContent}`);
  }
  lastState = state;
  renderWelcome(state);
  busy = state.busy;
  sendButton.disabled = busy;
  stopButton.disabled = !busy;
  sandboxLabel.textContent = `sandbox: ${state.sandbox}`;
  const cost = state.meter.costUsd === null ? 'cost unknown' : `$${state.meter.costUsd.toFixed(4)} / $${state.meter.maxCostUsd}`;
  const prompt = state.meter.inputTokens + state.meter.cacheReadTokens + state.meter.cacheWriteTokens;
  const cache =
    prompt > 0 && state.meter.cacheReadTokens + state.meter.cacheWriteTokens > 0
      ? ` · cache ${Math.round((100 * state.meter.cacheReadTokens) / prompt)}% read, ${state.meter.cacheWriteTokens} written`
      : '';
  meter.textContent = `turns ${state.meter.turns}/${state.meter.maxTurns} · ${cost}${cache} · ${state.model}`;
  // One line at any width: what does not fit is cut with an ellipsis and shown whole on hover.
  meter.title = meter.textContent;
  banners.replaceChildren();
  if (!state.trusted) {
    const b = el(
      'div',
      'banner warning',
      'Restricted Mode: Warden may read files and answer, but every change and command is refused without being shown: nothing is written and nothing runs until you trust this folder.',
    );
    const trust = el('button', 'secondary', 'Manage Workspace Trust') as HTMLButtonElement;
    trust.onclick = () => post({ type: 'action', action: 'manageTrust' });
    b.append(' ', trust);
    banners.append(b);
  }
  if (!state.apiKeySet) {
    const b = el('div', 'banner info', 'No API key is set.');
    const set = el('button', 'secondary', 'Set API Key') as HTMLButtonElement;
    set.onclick = () => post({ type: 'action', action: 'setApiKey' });
    b.append(' ', set);
    banners.append(b);
  }
  for (const p of state.policyProblems) banners.append(el('div', 'banner error', `Settings invalid, every call is denied: ${p}`));
  if (state.managedPolicy.length > 0) {
    const b = el('div', 'banner info managed-policy', '');
    for (const line of state.managedPolicy) b.append(el('div', '', line));
    banners.append(b);
  }
  for (const w of state.ignoredUserValues)
    banners.append(el('div', 'banner warning ignored-setting', `User setting ignored (managed policy): ${w}`));
  for (const w of state.ignoredWorkspaceValues)
    banners.append(el('div', 'banner warning ignored-setting', `Workspace setting ignored: ${w}`));
  for (const w of state.ruleWarnings) banners.append(el('div', 'banner warning rule-warning', `Rule grants more than it says: ${w}`));
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = hostMessageSchema.safeParse(event.data);
  if (!parsed.success) {
    console.warn('Warden chat: dropped a malformed message', parsed.error.issues);
    return;
  }
  const m = parsed.data;
  switch (m.type) {
    case 'init':
      transcript.replaceChildren();
      assistantText.clear();
      thinkingItems.clear();
      m.items.forEach(upsert);
      busy = m.state.busy;
      renderState(m.state);
      break;
    case 'state':
      renderState(m.state);
      break;
    case 'item':
      upsert(m.item);
      break;
    case 'textDelta':
      appendDelta(m.id, m.text);
      break;
    case 'thinkingDelta': {
      const t = thinkingItems.get(m.id);
      if (t) upsert({ ...t, text: t.text + m.text });
      break;
    }
    case 'remove':
      document.getElementById(`item-${m.id}`)?.remove();
      assistantText.delete(m.id);
      thinkingItems.delete(m.id);
      break;
    case 'cleared':
      transcript.replaceChildren();
      assistantText.clear();
      thinkingItems.clear();
      renderWelcome(lastState);
      break;
  }
});

function send(): void {
  const text = input.value.trim();
  if (!text || busy) return;
  post({ type: 'send', text });
  input.value = '';
}

input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  }
});
sendButton.onclick = send;
stopButton.onclick = () => post({ type: 'stop' });

// Links carry no href: a click asks the host, which opens them through VS Code.
transcript.addEventListener('click', (e) => {
  const link = (e.target as HTMLElement).closest<HTMLElement>('a.md-link');
  if (link?.dataset.href) {
    e.preventDefault();
    post({ type: 'openLink', href: link.dataset.href });
  }
});

post({ type: 'ready' });
input.focus();
