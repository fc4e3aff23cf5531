/**
 * The command preview's heading: what is happening to the command, or what
 * happened to it — never still asking once the person has answered, the
 * command has run or the task has stopped. Pure, shared by the webview.
 */

/** Where a call on show is: waiting for the person, then what became of it. */
export type PreviewPhase = 'waiting' | 'running' | 'stopping' | 'ran' | 'failed' | 'denied' | 'rejected' | 'stopped';

export interface HeadingFacts {
  /** The person's edit ran (or runs) instead of the model's command. */
  readonly edited: boolean;
  /** It had started running before it stopped. */
  readonly started: boolean;
  /** A call of an MCP server's tool shown in the preview, not a command. */
  readonly mcp?: boolean;
}

export function previewHeading(phase: PreviewPhase, facts: HeadingFacts): string {
  const what = facts.mcp ? 'the MCP tool' : facts.edited ? 'your edit of the command' : 'the agent’s command';
  switch (phase) {
    case 'waiting':
      return facts.mcp ? 'The agent asks to call a tool of an MCP server' : 'The agent asks to run a command';
    case 'running':
      return `${facts.mcp ? 'Calling' : 'Running'} ${what}`;
    case 'stopping':
      return 'Stopping…';
    case 'ran':
      return `${facts.mcp ? 'Called' : 'Ran'} ${what}`;
    case 'failed':
      return `${facts.mcp ? 'Called' : 'Ran'} ${what}: it failed`;
    case 'denied':
      return 'Denied by the policy: nothing ran';
    case 'rejected':
      return 'Rejected: nothing ran';
    case 'stopped':
      return facts.started ? `Stopped while ${facts.mcp ? 'calling' : 'running'} ${what}` : 'Stopped: nothing ran';
  }
}
