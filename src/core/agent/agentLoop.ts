import { neutralise } from '../text/neutralise';
import { ModelError, ZERO_USAGE, addUsage, type ModelClient, type ModelMessage, type ModelStreamEvent, type ToolDefinition, type ToolUseBlock, type Usage, type UserBlock } from './model';
import { handleToolCall, type PipelineDeps } from './pipeline';
import { costOf } from './pricing';
import type { AgentOutcome, AgentStatus } from './events';

export interface AgentOptions {
  readonly task: string;
  readonly maxTurns: number;
  readonly maxCostUsd: number;
  /** max_tokens per model turn. */
  readonly maxTokens: number;
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
  readonly messages: readonly ModelMessage[];
}

const CUT_OFF = 'Your previous reply was cut off at the output limit. Continue from where you stopped, more briefly.';

/** One model turn, streaming its text (redacted, neutralised) to the listeners. */
async function streamTurn(deps: AgentDeps, opts: AgentOptions, messages: readonly ModelMessage[]) {
  let text = deps.redactor.stream();
  const onEvent = (e: ModelStreamEvent): void => {
    if (e.type === 'text_delta') {
      const safe = text.push(e.text);
      if (safe) deps.events({ type: 'text_delta', text: neutralise(safe) });
    } else if (e.type === 'retry') {
      text = deps.redactor.stream();
      deps.events({ type: 'model_retry', attempt: e.attempt, delayMs: e.delayMs, why: e.why });
    }
  };
  try {
    return await deps.model.stream({ system: deps.system, tools: deps.toolDefinitions, messages, maxTokens: opts.maxTokens, signal: opts.signal }, onEvent);
  } finally {
    const rest = text.flush();
    if (rest) deps.events({ type: 'text_delta', text: neutralise(rest) });
  }
}

/**
 * The agent: model turn, then every tool_use through the pipeline, until the
 * model ends its turn or a limit stops it. Never throws for model or tool
 * failures; it ends with an outcome (and a `done` event).
 */
export async function runAgent(opts: AgentOptions, deps: AgentDeps): Promise<AgentRun> {
  const messages: ModelMessage[] = [...(opts.history ?? []), { role: 'user', content: opts.task }];
  let usage: Usage = ZERO_USAGE;
  let turns = 0;
  let warnedCost = false;
  const finish = (status: AgentStatus, message: string, extra: Partial<AgentOutcome> = {}): AgentRun => {
    const outcome = { status, message, turns, usage, costUsd: costOf(deps.model.model, usage), ...extra };
    deps.events({ type: 'done', outcome });
    return { ...outcome, messages };
  };
  for (;;) {
    if (opts.signal.aborted) return finish('cancelled', 'Stopped by the person.');
    if (turns >= opts.maxTurns) return finish('limit', `Stopped: the task reached the limit of ${opts.maxTurns} model turns (warden.limits.maxTurns).`);
    const spent = costOf(deps.model.model, usage);
    if (spent !== null && spent >= opts.maxCostUsd) {
      return finish('limit', `Stopped: the estimated cost $${spent.toFixed(4)} reached the limit of $${opts.maxCostUsd} (warden.limits.maxCostUsd).`);
    }
    if (spent === null && !warnedCost) {
      warnedCost = true;
      deps.events({ type: 'warning', message: `No price is known for model ${deps.model.model}: the cost limit cannot be enforced; the turn limit still applies.` });
    }
    turns++;
    deps.events({ type: 'turn_start', turn: turns });
    let turn;
    try {
      turn = await streamTurn(deps, opts, messages);
    } catch (err) {
      if (opts.signal.aborted || (err instanceof ModelError && err.kind === 'cancelled')) return finish('cancelled', 'Stopped by the person.');
      const kind = err instanceof ModelError ? err.kind : 'other';
      return finish('error', err instanceof Error ? err.message : String(err), { errorKind: kind });
    }
    usage = addUsage(usage, turn.usage);
    deps.events({ type: 'usage', turn: turns, usage: turn.usage, total: usage, costUsd: costOf(deps.model.model, usage), maxCostUsd: opts.maxCostUsd });
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
          const r = await handleToolCall({ id: use.id, name: use.name, input: use.input, inputError: turn.inputErrors.get(use.id) ?? null }, deps, opts.signal);
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
      case 'refusal':
        return finish('refused', 'The model declined to continue this task (stop reason: refusal).');
      case 'tool_use':
        return finish('error', 'The model stopped for tool use but sent no tool call.');
      case 'end_turn':
      case 'stop_sequence':
      case 'other':
        return finish('done', 'The model finished.');
    }
  }
}
