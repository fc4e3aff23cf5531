import { neutralise } from '../text/neutralise';
import { limitsOf } from './catalog';
import { estimateTokens, fitToBudget, repairHistory } from './history';
import {
  ModelError,
  ZERO_USAGE,
  addUsage,
  type ModelClient,
  type ModelMessage,
  type ModelStreamEvent,
  type ModelTurn,
  type ToolDefinition,
  type ToolUseBlock,
  type Usage,
  type UserBlock,
} from './model';
import { handleToolCall, type PipelineDeps } from './pipeline';
import { cappedCostOf } from './pricing';
import type { AgentOutcome, AgentStatus } from './events';

export interface AgentOptions {
  readonly task: string;
  readonly maxTurns: number;
  readonly maxCostUsd: number;
  /** max_tokens per model turn; default: the model's own (catalog.ts). */
  readonly maxTokens?: number;
  /** The model's context window in tokens; default: the catalog's. */
  readonly contextWindow?: number;
  readonly signal: AbortSignal;
  /** Earlier messages of the same conversation (the chat view continues a conversation). */
  readonly history?: readonly ModelMessage[];
}

export interface AgentDeps extends PipelineDeps {
  readonly model: ModelClient;
  readonly system: string;
  readonly toolDefinitions: readonly ToolDefinition[];
}

export interface AgentRun extends AgentOutcome {
  /** The conversation to continue from: always valid for the next request (history.ts). */
  readonly messages: readonly ModelMessage[];
}

const CUT_OFF = 'Your previous reply was cut off at the output limit. Continue from where you stopped, more briefly.';
/** Share of the window kept free besides max_tokens: the estimate is rough. */
const MARGIN = 0.05;

/** One model turn, streaming its text and thinking (redacted, neutralised) to the listeners. */
async function streamTurn(deps: AgentDeps, opts: AgentOptions, messages: readonly ModelMessage[], maxTokens: number): Promise<ModelTurn> {
  let text = deps.redactor.stream();
  let thinking = deps.redactor.stream();
  const flush = () => {
    const rest = text.flush();
    if (rest) deps.events({ type: 'text_delta', text: neutralise(rest) });
    const thought = thinking.flush();
    if (thought) deps.events({ type: 'thinking_delta', text: neutralise(thought) });
  };
  const onEvent = (e: ModelStreamEvent): void => {
    if (e.type === 'text_delta') {
      const safe = text.push(e.text);
      if (safe) deps.events({ type: 'text_delta', text: neutralise(safe) });
    } else if (e.type === 'thinking_delta') {
      const safe = thinking.push(e.text);
      if (safe) deps.events({ type: 'thinking_delta', text: neutralise(safe) });
    } else if (e.type === 'thinking_redacted') {
      deps.events({ type: 'thinking_redacted' });
    } else if (e.type === 'retry') {
      // What the failed attempt streamed is void: the listeners clear it.
      text = deps.redactor.stream();
      thinking = deps.redactor.stream();
      deps.events({
        type: 'model_retry',
        attempt: e.attempt,
        maxAttempts: e.maxAttempts,
        delayMs: e.delayMs,
        why: e.why,
        ...(e.kind ? { kind: e.kind } : {}),
      });
    }
  };
  try {
    return await deps.model.stream({ system: deps.system, tools: deps.toolDefinitions, messages, maxTokens, signal: opts.signal }, onEvent);
  } finally {
    flush();
  }
}

function refusalMessage(turn: ModelTurn): string {
  const d = turn.stopDetails;
  const why = [d?.category ? `category: ${d.category}` : null, d?.explanation ? neutralise(d.explanation) : null]
    .filter(Boolean)
    .join('; ');
  return `The model declined to continue (stop reason: refusal${why ? `; ${why}` : ''}). This task's turns were removed from the conversation, as the API asks after a refusal: rephrase the request to go on.`;
}

/**
 * The agent: model turn, then every tool_use through the pipeline, until the
 * model ends its turn or a limit stops it. Never throws for model or tool
 * failures; it ends with an outcome (and a `done` event), and the messages it
 * returns are always a valid conversation to continue from.
 */
export async function runAgent(opts: AgentOptions, deps: AgentDeps): Promise<AgentRun> {
  const history = repairHistory(opts.history ?? []);
  let messages: ModelMessage[] = [...history, { role: 'user', content: opts.task }];
  let taskStart = history.length;
  let limits = limitsOf(deps.model.model, opts.contextWindow !== undefined ? { contextWindow: opts.contextWindow } : {});
  if (!limits.known && opts.contextWindow === undefined && deps.model.describe) {
    // A model the catalog does not know: the endpoint's Models API may.
    const d = await deps.model.describe(opts.signal).catch(() => null);
    if (d?.contextWindow)
      limits = { known: true, contextWindow: d.contextWindow, maxTokens: Math.min(d.maxOutput ?? limits.maxTokens, 64_000) };
  }
  const maxTokens = Math.min(opts.maxTokens ?? limits.maxTokens, limits.maxTokens);
  const budget = Math.floor(limits.contextWindow * (1 - MARGIN)) - maxTokens;
  // Calibrates the 4-characters-a-token estimate against the prompt sizes the API reports.
  const overhead = Math.ceil((deps.system.length + JSON.stringify(deps.toolDefinitions).length) / 4);
  let ratio = 1;
  const size = (m: readonly ModelMessage[]) => Math.ceil((estimateTokens(m) + overhead) * ratio);
  let usage: Usage = ZERO_USAGE;
  let cost = 0;
  let costKnown = true;
  let turns = 0;
  let warnedCost = false;
  let warnedCut = false;
  const finish = (
    status: AgentStatus,
    message: string,
    extra: Partial<AgentOutcome> & { keep?: readonly ModelMessage[] } = {},
  ): AgentRun => {
    const { keep, ...rest } = extra;
    const outcome = { status, message, turns, usage, costUsd: costKnown ? cost : null, ...rest };
    deps.events({ type: 'done', outcome });
    return { ...outcome, messages: repairHistory(keep ?? messages) };
  };
  for (;;) {
    if (opts.signal.aborted) return finish('cancelled', 'Stopped by the person.');
    if (turns >= opts.maxTurns)
      return finish('limit', `Stopped: the task reached the limit of ${opts.maxTurns} model turns (warden.limits.maxTurns).`);
    if (cost >= opts.maxCostUsd) {
      return finish(
        'limit',
        `Stopped: the estimated cost $${cost.toFixed(4)} reached the limit of $${opts.maxCostUsd} (warden.limits.maxCostUsd).`,
      );
    }
    if (size(messages) > budget * 0.85 && deps.model.countTokens) {
      // Near the window: the API's own count replaces the estimate.
      const exact = await deps.model
        .countTokens({ system: deps.system, tools: deps.toolDefinitions, messages, maxTokens, signal: opts.signal })
        .catch(() => null);
      if (exact !== null && exact > 0) ratio = Math.min(4, Math.max(0.25, exact / (estimateTokens(messages) + overhead)));
    }
    if (size(messages) > budget) {
      const fit = fitToBudget(messages, taskStart, budget, size);
      if (!fit) {
        return finish(
          'limit',
          `Stopped: the conversation would exceed the model's context window (about ${size(messages)} of ${limits.contextWindow} tokens, with ${maxTokens} kept for the reply). Start a New Chat to go on.`,
          { contextFull: true },
        );
      }
      messages = fit.messages;
      taskStart = fit.taskStart;
      const what = [
        fit.droppedMessages ? `${fit.droppedMessages} earlier messages dropped` : null,
        fit.clearedResults ? `${fit.clearedResults} older tool results cleared` : null,
      ]
        .filter(Boolean)
        .join(', ');
      deps.events({
        type: 'warning',
        message: `The conversation neared the model's context window (${limits.contextWindow} tokens): ${what}.`,
      });
    }
    turns++;
    deps.events({ type: 'turn_start', turn: turns });
    const sent = size(messages);
    let turn: ModelTurn;
    try {
      turn = await streamTurn(deps, opts, messages, maxTokens);
    } catch (err) {
      if (opts.signal.aborted || (err instanceof ModelError && err.kind === 'cancelled'))
        return finish('cancelled', 'Stopped by the person.');
      const kind = err instanceof ModelError ? err.kind : 'other';
      return finish('error', err instanceof Error ? err.message : String(err), {
        errorKind: kind,
        ...(kind === 'context-window' ? { contextFull: true } : {}),
      });
    }
    usage = addUsage(usage, turn.usage);
    const turnCost = cappedCostOf(deps.model.model, turn.usage);
    cost += turnCost.usd;
    if (!turnCost.known && !warnedCost) {
      costKnown = false;
      warnedCost = true;
      deps.events({
        type: 'warning',
        message: `No price is known for model ${deps.model.model}: the cost limit counts it at the highest listed Claude price, so it may stop early (warden.limits.maxCostUsd).`,
      });
    }
    const prompt = turn.usage.inputTokens + turn.usage.cacheReadInputTokens + turn.usage.cacheCreationInputTokens;
    if (prompt > 0) {
      ratio = Math.min(4, Math.max(0.25, (ratio * prompt) / sent));
      if (!deps.model.firstParty && !warnedCut && sent > 3000 && prompt < sent * 0.7) {
        warnedCut = true;
        deps.events({
          type: 'warning',
          message: `The endpoint counted ${prompt} input tokens for a prompt of about ${sent}: it may be cutting the prompt to a small context window (with Ollama, raise the context length, e.g. OLLAMA_CONTEXT_LENGTH=32768).`,
        });
      }
    }
    deps.events({
      type: 'usage',
      turn: turns,
      usage: turn.usage,
      total: usage,
      costUsd: costKnown ? cost : null,
      maxCostUsd: opts.maxCostUsd,
    });
    if (turn.stopReason === 'refusal') {
      // The docs: reset the context after a refusal. The refused turn's tool calls never run.
      return finish('refused', refusalMessage(turn), { keep: messages.slice(0, taskStart) });
    }
    if (turn.stopReason === 'model_context_window_exceeded') {
      return finish(
        'limit',
        `Stopped: the reply reached the model's context window (${limits.contextWindow} tokens) before it was complete. Start a New Chat to go on.`,
        { errorKind: 'context-window', contextFull: true },
      );
    }
    if (turn.content.length > 0) messages.push({ role: 'assistant', content: turn.content });
    const uses = turn.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
    if (uses.length > 0) {
      const results: UserBlock[] = [];
      for (const use of uses) {
        if (opts.signal.aborted) {
          results.push({ type: 'tool_result', tool_use_id: use.id, content: 'Cancelled before it ran.', is_error: true });
          continue;
        }
        try {
          const r = await handleToolCall(
            { id: use.id, name: use.name, input: use.input, inputError: turn.inputErrors.get(use.id) ?? null },
            deps,
            opts.signal,
          );
          results.push({ type: 'tool_result', tool_use_id: use.id, content: r.content, ...(r.isError ? { is_error: true } : {}) });
        } catch (err) {
          // Only the audit sink throws here: without a record, nothing more may run.
          return finish('error', `Stopped: the audit log could not be written (${err instanceof Error ? err.message : String(err)}).`);
        }
      }
      messages.push({ role: 'user', content: results });
      if (opts.signal.aborted) return finish('cancelled', 'Stopped by the person.');
      continue;
    }
    switch (turn.stopReason) {
      case 'max_tokens':
        messages.push({ role: 'user', content: CUT_OFF });
        continue;
      case 'pause_turn':
        continue;
      case 'tool_use':
        return finish('error', 'The model stopped for tool use but sent no tool call.');
      case 'end_turn':
      case 'stop_sequence':
      case 'other':
        return finish('done', 'The model finished.');
    }
  }
}
