import type { ModelErrorKind, Usage } from './model';
import type { ApprovalAnswer } from './approver';
import type { Verdict } from '../policy/decision';
import type { FileChange } from '../checkpoints/model';

/** How a task ended. `limit` covers max turns, max cost and max_tokens with nothing to continue. */
export type AgentStatus = 'done' | 'limit' | 'error' | 'cancelled' | 'refused';

export interface AgentOutcome {
  readonly status: AgentStatus;
  readonly message: string;
  readonly turns: number;
  readonly usage: Usage;
  /** Estimated USD, or null when the model's price is unknown. */
  readonly costUsd: number | null;
  /** Set when the task ended at the context window: the conversation needs a New Chat. */
  readonly contextFull?: boolean;
  readonly errorKind?: ModelErrorKind;
}

/** What the CLI and the chat view render. Every string is already redacted and neutralised. */
export type AgentEvent =
  | { readonly type: 'turn_start'; readonly turn: number }
  | { readonly type: 'text_delta'; readonly text: string }
  /** The model's thinking as it streams (shown collapsed); `redacted`: a block whose content the API encrypted. */
  | { readonly type: 'thinking_delta'; readonly text: string }
  | { readonly type: 'thinking_redacted' }
  /** The turn is tried again after a transient failure: what streamed of the failed attempt is void. */
  | {
      readonly type: 'model_retry';
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly delayMs: number;
      readonly why: string;
      readonly kind?: ModelErrorKind;
    }
  | {
      readonly type: 'tool_proposed';
      readonly callId: string;
      readonly tool: string;
      readonly input: unknown;
      /** One line from the tool's entry, sanitised. */ readonly summary?: string;
    }
  | {
      readonly type: 'tool_decided';
      readonly callId: string;
      readonly tool: string;
      readonly decision: Verdict;
      readonly reason: string;
      readonly rule: string | null;
      readonly message: string;
    }
  | {
      readonly type: 'tool_answered';
      readonly callId: string;
      readonly answer: ApprovalAnswer['kind'] | 'session-grant';
      readonly note: string;
      /** What runs instead of the proposal when the person edited it: the command, or the size of their file content. */
      readonly edited?: { readonly command: string } | { readonly chars: number };
    }
  | { readonly type: 'tool_output'; readonly callId: string; readonly stream: 'stdout' | 'stderr'; readonly chunk: string }
  | {
      readonly type: 'tool_result';
      readonly callId: string;
      readonly tool: string;
      readonly isError: boolean;
      readonly status: string;
      readonly preview: string;
    }
  | {
      readonly type: 'usage';
      readonly turn: number;
      readonly usage: Usage;
      readonly total: Usage;
      readonly costUsd: number | null;
      readonly maxCostUsd: number;
    }
  /** A step that could change the workspace ended: the checkpoint taken before it, and the files it changed. */
  | {
      readonly type: 'checkpoint';
      readonly callId: string;
      readonly taskId: string;
      readonly step: number;
      readonly checkpointId: string;
      readonly files: readonly FileChange[];
    }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'done'; readonly outcome: AgentOutcome };

export type AgentEvents = (event: AgentEvent) => void;
