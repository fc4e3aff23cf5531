// The audit panel webview: a virtualised list of events (newest first), with
// filters, search, and the full record of the selected event. It renders with
// textContent only and loads nothing remote (see the CSP in auditPanel.ts).
// Every message from the host is validated on arrival.
import { compileFilter, type FilterFields } from '../../src/core/audit/filter';
import { hostMessageSchema, type AuditDetail, type AuditRow, type PanelFilter, type VerifyStatus, type ViewMessage } from '../../src/vscode/audit/messages';

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

let rows: AuditRow[] = [];
let view: AuditRow[] = [];
let selected: number | null = null;
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
  return f;
}

const fields = (r: AuditRow): FilterFields => ({ tool: r.tool, decision: r.decision, approver: r.approver, time: r.time, haystack: r.search });
let matches = compileFilter({});

function refilter(): void {
  matches = compileFilter(currentFilter());
  const out: AuditRow[] = [];
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i] as AuditRow;
    if (matches(fields(r))) out.push(r);
  }
  view = out;
  list.scrollTop = 0;
  render();
}

function addTools(newRows: readonly AuditRow[]): void {
  for (const r of newRows) {
    if (r.tool === null || tools.has(r.tool)) continue;
    tools.add(r.tool);
    const option = el('option', undefined, r.tool);
    option.value = r.tool;
    const after = [...toolSelect.options].slice(1).find((o) => o.value.localeCompare(r.tool ?? '') > 0);
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
    r = { root, time: el('span', 'time'), seq: el('span', 'seq'), tool: el('span', 'tool'), summary: el('span', 'summary'), decision: el('span', 'decision'), by: el('span', 'by') };
    root.append(r.time, r.seq, r.tool, r.summary, r.decision, r.by);
    spacer.appendChild(root);
    pool[k] = r;
  }
  return r;
}

function render(): void {
  spacer.style.height = `${view.length * ROW_HEIGHT}px`;
  const first = Math.max(0, Math.floor(list.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(view.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW_HEIGHT) + OVERSCAN);
  let k = 0;
  for (let i = first; i < last; i++, k++) {
    const row = view[i] as AuditRow;
    const r = rowEl(k);
    r.root.hidden = false;
    r.root.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
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
  renderStatus();
}

function renderStatus(): void {
  status.replaceChildren();
  status.append(el('span', undefined, `${view.length.toLocaleString()} of ${rows.length.toLocaleString()} events${skipped > 0 ? ` · ${skipped} unreadable lines` : ''}`));
  if (file) status.append(el('span', 'muted file', file));
  if (verifyStatus) status.append(el('span', verifyStatus.ok ? 'verify ok' : 'verify bad', verifyStatus.text));
  if (notice) status.append(el('span', `notice ${notice.level}`, notice.text));
}

function select(seq: number): void {
  selected = seq;
  post({ type: 'select', seq });
  render();
}

function moveSelection(delta: number): void {
  if (view.length === 0) return;
  const at = selected === null ? -1 : view.findIndex((r) => r.seq === selected);
  const next = Math.max(0, Math.min(view.length - 1, at + delta));
  const row = view[next] as AuditRow;
  const top = next * ROW_HEIGHT;
  if (top < list.scrollTop) list.scrollTop = top;
  else if (top + ROW_HEIGHT > list.scrollTop + list.clientHeight) list.scrollTop = top + ROW_HEIGHT - list.clientHeight;
  select(row.seq);
}

// ---- the detail pane -------------------------------------------------------

function block(title: string, text: string, className = ''): HTMLElement {
  const section = el('section', 'block');
  section.append(el('h3', undefined, title));
  const pre = el('pre', className);
  if (className === 'patch') {
    for (const line of text.split('\n')) {
      const kind = line.startsWith('+++') || line.startsWith('---') ? 'file' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
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
  if (target && Number.isInteger(seq)) select(seq);
});
list.addEventListener('keydown', (ev) => {
  const delta = { ArrowDown: 1, ArrowUp: -1, PageDown: 20, PageUp: -20, Home: -Infinity, End: Infinity }[ev.key];
  if (delta === undefined) return;
  ev.preventDefault();
  moveSelection(Number.isFinite(delta) ? delta : delta > 0 ? view.length : -view.length);
});
let searchTimer: ReturnType<typeof setTimeout> | undefined;
search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(refilter, 120);
});
for (const s of [toolSelect, decisionSelect, approverSelect]) s.addEventListener('change', refilter);
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
      rows = m.rows;
      file = m.file;
      skipped = m.skipped;
      addTools(rows);
      refilter();
      break;
    case 'append': {
      rows.push(...m.rows);
      addTools(m.rows);
      const fresh = m.rows.filter((r) => matches(fields(r))).reverse();
      if (fresh.length > 0) {
        view = [...fresh, ...view];
        if (list.scrollTop > 0) list.scrollTop += fresh.length * ROW_HEIGHT; // keep what the person is reading in place
      }
      render();
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
