import { runAgent, type AgentOptions, type AgentRun } from '../../../src/core/agent/agentLoop';
import type { ApprovalAnswer } from '../../../src/core/agent/approver';
import { systemPrompt } from '../../../src/core/agent/systemPrompt';
import { toolDefinitions } from '../../../src/core/tools/registry';
import { createAnthropicClient, type AnthropicClientOptions } from '../../../src/node/anthropic/anthropicClient';
import { startFakeAnthropic, type FakeAnthropic } from '../../fixtures/fake-anthropic/server';
import type { FakeScript } from '../../fixtures/fake-anthropic/script';
import { harness, type Harness } from './harness';
import type { CommandRunner } from '../../../src/core/exec/runner';

export interface LoopRun {
  readonly run: AgentRun;
  readonly h: Harness;
  readonly fake: FakeAnthropic;
}

/** Runs the real agent loop with the real SDK against the fake server playing `script`. */
export async function runScripted(
  root: string,
  script: FakeScript,
  opts: {
    settings?: Record<string, unknown>;
    answers?: ApprovalAnswer[];
    secrets?: Record<string, string>;
    apiKey?: string;
    runner?: CommandRunner | null;
    agent?: Partial<AgentOptions>;
    client?: Partial<AnthropicClientOptions>;
    onFake?: (fake: FakeAnthropic, controller: AbortController) => void;
    /** Play on this server (left open) instead of a new one for `script`: a conversation over several tasks. */
    fake?: FakeAnthropic;
  } = {},
): Promise<LoopRun> {
  const fake = opts.fake ?? (await startFakeAnthropic(script));
  try {
    const h = await harness({
      root,
      settings: opts.settings ?? {},
      answers: opts.answers ?? [],
      secrets: opts.secrets ?? {},
      runner: opts.runner ?? null,
    });
    const model = createAnthropicClient({
      apiKey: opts.apiKey ?? 'sk-test-key',
      baseUrl: fake.url,
      keyHint: 'cli',
      backoffMs: 5,
      ...opts.client,
    });
    const controller = new AbortController();
    opts.onFake?.(fake, controller);
    const run = await runAgent(
      { task: 'Do the task.', maxTurns: 10, maxCostUsd: 5, maxTokens: 4096, signal: controller.signal, ...opts.agent },
      { ...h, model, system: systemPrompt([root]), toolDefinitions: toolDefinitions() },
    );
    return { run, h, fake };
  } finally {
    if (!opts.fake) await fake.close();
  }
}

/** The parsed bodies of every Messages request the fake server saw. */
export function bodies(fake: FakeAnthropic): Array<{
  messages: Array<{ role: string; content: unknown }>;
  system: unknown;
  tools: unknown[];
  model: string;
  max_tokens: number;
  thinking?: unknown;
  output_config?: unknown;
}> {
  return fake.requests.filter((r) => r.url === '/v1/messages').map((r) => r.body as never);
}
