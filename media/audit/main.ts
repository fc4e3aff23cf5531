// The audit panel webview: a virtualised list of events (newest first), with
// filters, search, and the full record of the selected event. The host keeps
// the events, filters and searches them; this page asks for the rows in view
// (a page around them) and holds nothing else. It renders with textContent
// only and loads nothing remote (see the CSP in auditPanel.ts). Every message
// from the host is validated on arrival.
import {
  MAX_PAGE_ROWS,
  hostMessageSchema,
  type AuditDetail,
  type AuditRow,
  type PanelFilter,
  type VerifyStatus,
  type ViewMessage,
} from '../../src/vscode/audit/messages';

interface VsCodeApi {
  postMessage(message: ViewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: ViewMessage): void => vscode.postMessage(m);

const ROW_HEIGHT = 22;
const OVERSCAN = 8;

const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
};

const list = $<HTMLDivElement>('list');
const spacer = $<HTMLDivElement>('spacer');
const detail = $<HTMLElement>('detail');
const status = $<HTMLDivElement>('status');
const search = $<HTMLInputElement>('search');
const toolSelect = $<HTMLSelectElement>('tool');
const decisionSelect = $<HTMLSelectElement>('decision');
const approverSelect = $<HTMLSelectElement>('approver');
const sessionsToggle = $<HTMLInputElement>('sessions');
const empty = $<HTMLDivElement>('empty');
const exportButtons = [$<HTMLButtonElement>('export-csv'), $<HTMLButtonElement>('export-jsonl')];

/** The page of rows the host last sent: positions [pageStart, pageStart + page.length) of the filtered list. */
let page: AuditRow[] = [];
let pageStart = 0;
let matched = 0;
let total = 0;
/** The request last sent, and whether a reply is awaited (one at a time; the latest need is sent after it). */
let version = 0;
let answered = 0;
let filterKey = '{}';
let selected: number | null = null;
let selectedAt: number | null = null;
/** A keyboard move to a row not loaded yet: selected when its page arrives. */
let pendingAt: number | null = null;
let file = '';
let skipped = 0;
let verifyStatus: VerifyStatus | null = null;
let notice: { level: 'info' | 'error'; text: string } | null = null;
const tools = new Set<string>();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---- filtering -------------------------------------------------------------

function currentFilter(): PanelFilter {
  const f: PanelFilter = {};
  if (toolSelect.value) f.tool = toolSelect.value;
  if (decisionSelect.value) f.decision = decisionSelect.value as PanelFilter['decision'];
  if (approverSelect.value) f.approver = approverSelect.value as PanelFilter['approver'];
  const text = search.value.trim();
  if (text) f.text = text;
  if (sessionsToggle.checked) f.sessions = true;
  return f;
}

/** The positions in view, with some either side. */
function wanted(): { start: number; count: number } {
  const first = Math.max(0, Math.floor(list.scrollTop / ROW_HEIGHT) - OVERSCAN * 4);
  const last = Math.ceil((list.scrollTop + list.clientHeight) / ROW_HEIGHT) + OVERSCAN * 4;
  return { start: first, count: Math.max(1, Math.min(MAX_PAGE_ROWS, last - first)) };
}

function covered(w: { start: number; count: number }): boolean {
  const end = Math.min(matched, w.start + w.count);
  return w.start >= pageStart && end <= pageStart + page.length;
}

/** Asks the host for the rows in view (and, with a new filter, to filter again). One request at a time. */
function request(force = false): void {
  const filter = currentFilter();
  const key = JSON.stringify(filter);
  const w = wanted();
  if (!force && key === filterKey && covered(w)) return;
  if (answered < version && key === filterKey && !force) return; // a reply is on its way; render() asks again after it
  filterKey = key;
  version++;
  post({ type: 'view', version, filter, start: w.start, count: w.count, selected });
}

function refilter(): void {
  list.scrollTop = 0;
  request(true);
}

function addTools(names: readonly string[]): void {
  for (const name of names) {
    if (tools.has(name)) continue;
    tools.add(name);
    const option = el('option', undefined, name);
    option.value = name;
    const after = [...toolSelect.options].slice(1).find((o) => o.value.localeCompare(name) > 0);
    toolSelect.insertBefore(option, after ?? null);
  }
}

// ---- the virtual list ------------------------------------------------------

interface RowEl {
  root: HTMLDivElement;
  time: HTMLSpanElement;
  seq: HTMLSpanElement;
  tool: HTMLSpanElement;
  summary: HTMLSpanElement;
  decision: HTMLSpanElement;
  by: HTMLSpanElement;
}
const pool: RowEl[] = [];

function rowEl(k: number): RowEl {
  let r = pool[k];
  if (!r) {
    const root = el('div', 'row');
    root.setAttribute('role', 'option');
    r = {
      root,
      time: el('span', 'time'),
      seq: el('span', 'seq'),
      tool: el('span', 'tool'),
      summary: el('span', 'summary'),
      decision: el('span', 'decision'),
      by: el('span', 'by'),
    };
    root.append(r.time, r.seq, r.tool, r.summary, r.decision, r.by);
    spacer.appendChild(root);
    pool[k] = r;
  }
  return r;
}

function render(): void {
  spacer.style.height = `${matched * ROW_HEIGHT}px`;
  const first = Math.max(0, Math.floor(list.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(matched, Math.ceil((list.scrollTop + list.clientHeight) / ROW_HEIGHT) + OVERSCAN);
  let k = 0;
  for (let i = first; i < last; i++, k++) {
    const row = page[i - pageStart];
    const r = rowEl(k);
    r.root.hidden = false;
    r.root.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    if (row === undefined) {
      // Not loaded yet: a placeholder until the page arrives.
      delete r.root.dataset.seq;
      r.root.dataset.decision = 'none';
      r.root.setAttribute('aria-selected', 'false');
      for (const span of [r.time, r.seq, r.tool, r.summary, r.decision, r.by]) span.textContent = '';
      r.summary.textContent = '…';
      continue;
    }
    r.root.dataset.seq = String(row.seq);
    r.root.dataset.decision = row.decision ?? 'none';
    r.root.setAttribute('aria-selected', String(row.seq === selected));
    r.time.textContent = row.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    r.seq.textContent = `#${row.seq}`;
    r.tool.textContent = row.tool ?? row.kind;
    r.summary.textContent = row.summary;
    r.decision.textContent = row.decision ?? '';
    r.by.textContent = row.approver === null ? '' : row.answer === null ? row.approver : `${row.approver}: ${row.answer}`;
  }
  for (; k < pool.length; k++) (pool[k] as RowEl).root.hidden = true;
  renderEmpty();
  renderStatus();
  request();
}

/** What an empty list means: nothing logged yet, or nothing passing the filters. Export needs something to export. */
function renderEmpty(): void {
  for (const b of exportButtons) {
    b.disabled = matched === 0;
    b.title = matched === 0 ? 'Nothing to export: no event passes the filters' : `Export the ${matched.toLocaleString()} events shown`;
  }
  empty.hidden = matched > 0 || answered === 0;
  if (empty.hidden) return;
  const sessionsHidden = !sessionsToggle.checked;
  empty.replaceChildren();
  if (total === 0) {
    empty.append(el('p', 'empty-title', 'No events yet.'));
    empty.append(
      el(
        'p',
        undefined,
        'Every tool call the agent makes will appear here, newest first: what it asked to read, write or run, whether a rule allowed or denied it or a person approved or rejected it (with the reason they gave), and the outcome.',
      ),
    );
    empty.append(
      el('p', 'muted', 'Each line is chained to the one before it, so Verify shows whether the log was edited, cut or reordered.'),
    );
  } else {
    empty.append(el('p', 'empty-title', 'No event passes these filters.'));
    empty.append(
      el(
        'p',
        undefined,
        `${total.toLocaleString()} events are in the log.${sessionsHidden ? ' Session start and end rows are hidden: check "Session rows" to see them.' : ''}`,
      ),
    );
  }
}

function renderStatus(): void {
  status.replaceChildren();
  status.append(
    el(
      'span',
      undefined,
      `${matched.toLocaleString()} of ${total.toLocaleString()} events${skipped > 0 ? ` · ${skipped} unreadable lines` : ''}`,
    ),
  );
  if (file) status.append(el('span', 'muted file', file));
  if (verifyStatus) status.append(el('span', verifyStatus.ok ? 'verify ok' : 'verify bad', verifyStatus.text));
  if (notice) status.append(el('span', `notice ${notice.level}`, notice.text));
}

function select(seq: number, at: number): void {
  selected = seq;
  selectedAt = at;
  post({ type: 'select', seq });
  render();
}

function moveSelection(delta: number): void {
  if (matched === 0) return;
  const next = Math.max(0, Math.min(matched - 1, (selectedAt ?? -1) + delta));
  const top = next * ROW_HEIGHT;
  if (top < list.scrollTop) list.scrollTop = top;
  else if (top + ROW_HEIGHT > list.scrollTop + list.clientHeight) list.scrollTop = top + ROW_HEIGHT - list.clientHeight;
  const row = page[next - pageStart];
  if (row) select(row.seq, next);
  else {
    pendingAt = next;
    render();
  }
}

// ---- the detail pane -------------------------------------------------------

function block(title: string, text: string, className = ''): HTMLElement {
  const section = el('section', 'block');
  section.append(el('h3', undefined, title));
  const pre = el('pre', className);
  if (className === 'patch') {
    for (const line of text.split('\n')) {
      const kind =
        line.startsWith('+++') || line.startsWith('---')
          ? 'file'
          : line.startsWith('+')
            ? 'add'
            : line.startsWith('-')
              ? 'del'
              : line.startsWith('@@')
                ? 'hunk'
                : '';
      pre.append(el('span', `line ${kind}`, `${line}\n`));
    }
  } else pre.textContent = text;
  section.append(pre);
  return section;
}

function showDetail(d: AuditDetail): void {
  if (d.seq !== selected) return;
  detail.replaceChildren(el('h2', undefined, d.title));
  const facts = el('dl');
  const fact = (name: string, value: string | null): void => {
    if (value === null) return;
    facts.append(el('dt', undefined, name), el('dd', undefined, value));
  };
  fact('Rule', d.rule);
  fact('Reason', d.reason);
  fact('Reject reason', d.feedback);
  detail.append(facts);
  if (d.command !== null) detail.append(block('Command', d.command));
  if (d.editedCommand !== null) detail.append(block('Command as edited by the person', d.editedCommand));
  if (d.patch !== null) detail.append(block('Change', d.patch, 'patch'));
  if (d.editedPatch !== null) detail.append(block('Change as edited by the person', d.editedPatch, 'patch'));
  detail.append(block('Full record', d.record));
}

// ---- wiring ----------------------------------------------------------------

list.addEventListener('scroll', () => render(), { passive: true });
window.addEventListener('resize', () => render());
list.addEventListener('click', (ev) => {
  const target = (ev.target as HTMLElement).closest<HTMLElement>('.row');
  const seq = Number(target?.dataset.seq);
  const at = page.findIndex((r) => r.seq === seq);
  if (target && Number.isInteger(seq) && at >= 0) select(seq, pageStart + at);
});
list.addEventListener('keydown', (ev) => {
  const delta = { ArrowDown: 1, ArrowUp: -1, PageDown: 20, PageUp: -20, Home: -Infinity, End: Infinity }[ev.key];
  if (delta === undefined) return;
  ev.preventDefault();
  moveSelection(Number.isFinite(delta) ? delta : delta > 0 ? matched : -matched);
});
let searchTimer: ReturnType<typeof setTimeout> | undefined;
search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  // Idle: search at once. An answer awaited: the latest text goes a little later, so fast typing does not queue searches.
  if (answered >= version) refilter();
  else searchTimer = setTimeout(refilter, 60);
});
for (const s of [toolSelect, decisionSelect, approverSelect, sessionsToggle]) s.addEventListener('change', refilter);
$('verify').addEventListener('click', () => {
  verifyStatus = { ok: true, text: 'Verifying…' };
  renderStatus();
  post({ type: 'verify' });
});
$('export-csv').addEventListener('click', () => post({ type: 'export', format: 'csv', filter: currentFilter() }));
$('export-jsonl').addEventListener('click', () => post({ type: 'export', format: 'jsonl', filter: currentFilter() }));

window.addEventListener('message', (ev: MessageEvent) => {
  const parsed = hostMessageSchema.safeParse(ev.data);
  if (!parsed.success) return; // not from the host, or malformed: ignored
  const m = parsed.data;
  switch (m.type) {
    case 'init':
      file = m.file;
      skipped = m.skipped;
      addTools(m.tools);
      refilter();
      break;
    case 'page': {
      if (m.version !== version) break; // an answer to an earlier request: the next one is on its way
      answered = m.version;
      page = m.rows;
      pageStart = m.start;
      matched = m.matched;
      total = m.total;
      selectedAt = m.selectedAt;
      if (pendingAt !== null) {
        const row = page[pendingAt - pageStart];
        if (row) {
          const at = pendingAt;
          pendingAt = null;
          select(row.seq, at);
          break;
        }
      }
      render();
      break;
    }
    case 'grew': {
      // New events are newest: they go on top; keep what the person is reading in place.
      const before = matched;
      total = m.total;
      matched = m.matched;
      addTools(m.tools);
      const added = matched - before;
      if (added > 0 && list.scrollTop > 0) list.scrollTop += added * ROW_HEIGHT;
      if (selectedAt !== null) selectedAt += Math.max(0, added);
      request(true);
      break;
    }
    case 'detail':
      showDetail(m.detail);
      break;
    case 'verified':
      verifyStatus = m.status;
      renderStatus();
      break;
    case 'notice':
      notice = { level: m.level, text: m.text };
      renderStatus();
      break;
  }
});

post({ type: 'ready' });
