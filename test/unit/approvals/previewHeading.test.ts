import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { previewHeading, type HeadingFacts, type PreviewPhase } from '../../../src/vscode/approvals/previewHeading';

const asIs: HeadingFacts = { edited: false, started: false };
const edited: HeadingFacts = { edited: true, started: false };

describe('the command preview heading says what happened to the command', () => {
  const cases: [PreviewPhase, HeadingFacts, string][] = [
    ['waiting', asIs, 'The agent asks to run a command'],
    ['running', asIs, 'Running the agent’s command'],
    ['running', edited, 'Running your edit of the command'],
    ['ran', asIs, 'Ran the agent’s command'],
    ['ran', edited, 'Ran your edit of the command'],
    ['failed', asIs, 'Ran the agent’s command: it failed'],
    ['failed', edited, 'Ran your edit of the command: it failed'],
    ['denied', edited, 'Denied by the policy: nothing ran'],
    ['rejected', asIs, 'Rejected: nothing ran'],
    ['stopping', asIs, 'Stopping…'],
    ['stopped', asIs, 'Stopped: nothing ran'],
    ['stopped', { edited: false, started: true }, 'Stopped while running the agent’s command'],
    ['stopped', { edited: true, started: true }, 'Stopped while running your edit of the command'],
    ['waiting', { edited: false, started: false, mcp: true }, 'The agent asks to call a tool of an MCP server'],
    ['running', { edited: false, started: true, mcp: true }, 'Calling the MCP tool'],
    ['ran', { edited: false, started: true, mcp: true }, 'Called the MCP tool'],
    ['failed', { edited: false, started: true, mcp: true }, 'Called the MCP tool: it failed'],
    ['rejected', { edited: false, started: false, mcp: true }, 'Rejected: nothing ran'],
    ['stopped', { edited: false, started: true, mcp: true }, 'Stopped while calling the MCP tool'],
  ];
  for (const [phase, facts, want] of cases) {
    it(`${phase}${facts.mcp ? ', MCP' : ''}${facts.edited ? ', edited' : ''}${facts.started ? ', started' : ''}: "${want}"`, () =>
      assert.equal(previewHeading(phase, facts), want));
  }

  it('asks only while it waits', () => {
    for (const phase of ['running', 'stopping', 'ran', 'failed', 'denied', 'rejected', 'stopped'] as const) {
      assert.doesNotMatch(previewHeading(phase, asIs), /asks/, phase);
      assert.doesNotMatch(previewHeading(phase, { ...asIs, mcp: true }), /asks/, phase);
    }
  });
});
