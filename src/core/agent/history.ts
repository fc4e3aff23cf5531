import type { AssistantBlock, ModelMessage, UserBlock } from './model';

/** The result given to a tool call that never ran because the task ended first. */
export const NOT_RUN = 'This call was not run: the task ended before it could run.';
const CLEARED = "[This earlier tool result was cleared to keep the conversation within the model's context window.]";

const sendable = (text: string) => text.trim() !== '';

function userBlocks(m: Extract<ModelMessage, { role: 'user' }>): UserBlock[] {
  return typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : [...m.content];
}

/**
 * A conversation the API accepts as the start of the next request: empty
 * text blocks (and messages left empty) removed, leading assistant messages
 * dropped, every `tool_use` answered by a `tool_result` in the next user
 * message (a dangling one gets an error result saying it never ran), no
 * `tool_result` answering nothing. With `dropThinking` (the model changed:
 * thinking blocks are bound to the model that wrote them) thinking and
 * redacted thinking are removed too. Never throws; bad input never grows.
 */
export function repairHistory(messages: readonly ModelMessage[], opts: { dropThinking?: boolean } = {}): ModelMessage[] {
  const cleaned: ModelMessage[] = [];
  for (const m of messages) {
    if (m.role === 'assistant') {
      const content = m.content.filter((b) =>
        b.type === 'text' ? sendable(b.text) : opts.dropThinking ? b.type !== 'thinking' && b.type !== 'redacted_thinking' : true,
      );
      if (content.length) cleaned.push({ role: 'assistant', content });
    } else {
      const content = userBlocks(m).filter((b) => b.type !== 'text' || sendable(b.text));
      if (content.length) cleaned.push({ role: 'user', content: typeof m.content === 'string' ? m.content : content });
    }
  }
  while (cleaned[0]?.role === 'assistant') cleaned.shift();
  const out: ModelMessage[] = [];
  for (let i = 0; i < cleaned.length; i++) {
    const m = cleaned[i] as ModelMessage;
    const prev = out.at(-1);
    if (m.role === 'user') {
      const asked =
        prev?.role === 'assistant' ? new Set(prev.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []))) : new Set<string>();
      const blocks = userBlocks(m).filter((b) => b.type !== 'tool_result' || asked.has(b.tool_use_id));
      const answered = new Set(blocks.flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])));
      const missing = [...asked]
        .filter((id) => !answered.has(id))
        .map((id): UserBlock => ({ type: 'tool_result', tool_use_id: id, content: NOT_RUN, is_error: true }));
      const results = [...missing, ...blocks.filter((b) => b.type === 'tool_result')];
      const rest = blocks.filter((b) => b.type !== 'tool_result');
      const content = [...results, ...rest];
      if (content.length === 0) continue;
      out.push({ role: 'user', content: results.length === 0 && typeof m.content === 'string' ? m.content : content });
    } else {
      if (prev?.role === 'assistant') out.push(...closeCalls(prev.content));
      out.push(m);
    }
  }
  const last = out.at(-1);
  if (last?.role === 'assistant') out.push(...closeCalls(last.content));
  return out;
}

function closeCalls(content: readonly AssistantBlock[]): ModelMessage[] {
  const ids = content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
  return ids.length
    ? [{ role: 'user', content: ids.map((id) => ({ type: 'tool_result' as const, tool_use_id: id, content: NOT_RUN, is_error: true })) }]
    : [];
}

/** A rough token count of messages: 4 characters a token (the budget calibrates it against reported usage). */
export function estimateTokens(messages: readonly ModelMessage[]): number {
  let chars = 0;
  for (const m of messages) chars += JSON.stringify(m.content).length + 8;
  return Math.ceil(chars / 4);
}

export interface FitResult {
  readonly messages: ModelMessage[];
  /** Index where the current task's messages begin in `messages`. */
  readonly taskStart: number;
  readonly droppedMessages: number;
  readonly clearedResults: number;
}

/**
 * Makes the conversation fit `limitTokens` (as `size` measures it): first the
 * oldest earlier exchanges go, cut only where a person's message begins; then
 * the oldest tool results of this task are cleared (their calls stay, so the
 * structure is still valid), keeping the latest `keepRecent` results; then
 * this task's oldest rounds (a call and its results) go, keeping the task's
 * own message and the latest rounds. Null when even that does not fit.
 */
export function fitToBudget(
  messages: readonly ModelMessage[],
  taskStart: number,
  limitTokens: number,
  size: (m: readonly ModelMessage[]) => number,
  keepRecent = 4,
): FitResult | null {
  let msgs = [...messages];
  let start = taskStart;
  let dropped = 0;
  while (size(msgs) > limitTokens && start > 0) {
    let cut = 1;
    while (cut < start && !(msgs[cut]?.role === 'user' && typeof msgs[cut]?.content === 'string')) cut++;
    msgs = msgs.slice(cut);
    start -= cut;
    dropped += cut;
  }
  let cleared = 0;
  if (size(msgs) > limitTokens) {
    const spots: Array<[number, number]> = [];
    msgs.forEach((m, i) => {
      if (m.role === 'user' && typeof m.content !== 'string')
        m.content.forEach((b, j) => b.type === 'tool_result' && b.content !== CLEARED && spots.push([i, j]));
    });
    for (const [i, j] of spots.slice(0, Math.max(0, spots.length - keepRecent))) {
      if (size(msgs) <= limitTokens) break;
      const m = msgs[i] as Extract<ModelMessage, { role: 'user' }>;
      const blocks = [...(m.content as readonly UserBlock[])];
      const b = blocks[j] as Extract<UserBlock, { type: 'tool_result' }>;
      blocks[j] = { ...b, content: CLEARED };
      msgs[i] = { role: 'user', content: blocks };
      cleared++;
    }
  }
  // Last, this task's oldest rounds (a call and its results) go, keeping the task itself and the latest rounds.
  while (size(msgs) > limitTokens) {
    const first = msgs[start + 1];
    const second = msgs[start + 2];
    const rounds = msgs.length - start - 1;
    if (first?.role !== 'assistant' || second?.role !== 'user' || typeof second.content === 'string' || rounds <= keepRecent * 2) break;
    msgs = [...msgs.slice(0, start + 1), ...msgs.slice(start + 3)];
    dropped += 2;
  }
  if (size(msgs) > limitTokens) return null;
  return { messages: msgs, taskStart: start, droppedMessages: dropped, clearedResults: cleared };
}

/** Messages of a chat kept between tasks; older ones are dropped at a user turn. */
export const MAX_STORED = 400;

/**
 * What is stored for the next task: valid for the API (history.ts) and no
 * more than `max` messages, cut only where a new user text turn begins. The
 * agent loop keeps each request within the model's context window by tokens.
 */
export function trimHistory(messages: readonly ModelMessage[], max = MAX_STORED): ModelMessage[] {
  const valid = repairHistory(messages);
  if (valid.length <= max) return valid;
  let start = valid.length - max;
  while (start < valid.length && !(valid[start]?.role === 'user' && typeof valid[start]?.content === 'string')) start++;
  return valid.slice(start);
}

const str = (v: unknown): v is string => typeof v === 'string';

function storedBlock(role: 'user' | 'assistant', b: unknown): boolean {
  if (typeof b !== 'object' || b === null) return false;
  const o = b as Record<string, unknown>;
  switch (o.type) {
    case 'text':
      return str(o.text);
    case 'tool_use':
      return role === 'assistant' && str(o.id) && str(o.name);
    case 'thinking':
      return role === 'assistant' && str(o.thinking) && str(o.signature);
    case 'redacted_thinking':
      return role === 'assistant' && str(o.data);
    case 'tool_result':
      return role === 'user' && str(o.tool_use_id) && str(o.content);
    default:
      return false;
  }
}

/**
 * The stored history, read defensively: messages and blocks not shaped as
 * Warden writes them are dropped, the rest repaired; when the stored history
 * was written with another model its thinking is dropped (bound to that model).
 */
export function loadHistory(stored: unknown, storedModel: unknown, model: string): ModelMessage[] {
  if (!Array.isArray(stored)) return [];
  const list: ModelMessage[] = [];
  for (const m of stored as unknown[]) {
    if (typeof m !== 'object' || m === null) continue;
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (role !== 'user' && role !== 'assistant') continue;
    if (typeof content === 'string') {
      if (role === 'user') list.push({ role, content });
      continue;
    }
    if (!Array.isArray(content)) continue;
    const blocks = (content as unknown[]).filter((b) => storedBlock(role, b));
    list.push(role === 'user' ? { role, content: blocks as UserBlock[] } : { role, content: blocks as AssistantBlock[] });
  }
  return repairHistory(list, { dropThinking: storedModel !== model });
}
