import type { Readable, Writable } from 'node:stream';
import { runCheck } from './check';
import { runAudit } from './audit';
import { runAgentCommand } from './agentRun';
import { runMcpCommand } from './mcpCommand';
import { runPolicy } from './policyReport';
import { runCheckpoints } from './checkpoints';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

const USAGE = `usage: warden <command> [options]

commands:
  check   dry-run the guard over JSON Lines tool calls on stdin
  run     run the agent headless on a task
  audit   verify, show or export an audit log
  mcp     list MCP servers, approve one a workspace proposes
  policy  report what the agent can do in a workspace (policy report)
  checkpoints  list, diff or restore the checkpoints warden run took
  help    show this text
`;

/** Dispatches a subcommand; returns the process exit code. */
export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  return Promise.resolve(dispatch(argv, io));
}

function dispatch(argv: readonly string[], io: CliIo): number | Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'check':
      return runCheck(argv.slice(1), io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    case 'run':
      return runAgentCommand(argv.slice(1), io);
    case 'audit':
      return runAudit(argv.slice(1), io);
    case 'mcp':
      return runMcpCommand(argv.slice(1), io);
    case 'policy':
      return runPolicy(argv.slice(1), io);
    case 'checkpoints':
      return runCheckpoints(argv.slice(1), io);
    default:
      io.stderr.write(`warden: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}
