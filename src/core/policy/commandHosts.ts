import { hostEntryAdmits, normaliseHost, parseHostEntry } from './hostEntry';

/**
 * The hosts a command line names, so a person sees before Run what it will
 * try to reach and whether the sandbox lets it through. Pure. This is a
 * reading aid, not a boundary: the sandbox's egress allowlist enforces the
 * hosts whatever is found here, and a host built at run time (a variable, a
 * config file) is never seen.
 *
 * Found in each literal argument:
 * - a URL with a scheme (`https://paste.example/x`, `git+ssh://h/r`), also
 *   after `--opt=`;
 * - `[user@]host:path` for the programs that copy over ssh (scp, rsync, sftp,
 *   git), and the first operand of the programs whose operand is a host
 *   (ssh, nc, telnet, ping, ftp…);
 * - for curl and wget, an operand without a scheme (`curl paste.example`),
 *   which they fetch over http.
 */
export interface NamedHost {
  /** Normalised host (lowercase, punycode), with `:port` when the command names one. */
  readonly host: string;
  readonly allowed: boolean;
  /** The allowed-hosts entry that admits it, or null. */
  readonly entry: string | null;
}

const URL_IN_ARG = /([a-z][a-z0-9+.-]*):\/\/([^\s/?#'"`]+)/gi;
const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s@]+|\[[0-9a-f:.]+\]):(?!\/\/)/i;
const SSH_COPIERS = new Set(['scp', 'rsync', 'sftp', 'git']);
/** Programs whose first operand is a host, with their short options that take a value (`ssh -p 22 host`). */
const HOST_OPERAND: Readonly<Record<string, string>> = {
  ssh: 'BbcDEeFIiJLlmOoPpQRSWw',
  mosh: '',
  nc: 'IiOpqsTwXx',
  ncat: 'dimopsw',
  netcat: 'IiOpqsTwXx',
  telnet: 'bEelnX',
  ping: 'cFIilMmpQSsTtWw',
  ping6: 'cFIilMmpQSsTtWw',
  ftp: 'Pr',
};
/** curl and wget fetch an operand without a scheme over http; their short options that take a value, and long options that take none. */
const FETCHERS: Readonly<Record<string, { readonly valued: string; readonly flags: ReadonlySet<string> }>> = {
  curl: {
    valued: 'AbcCdDeEFHKmoPQrtTuUwxXYyz',
    flags: new Set([
      '--silent',
      '--show-error',
      '--location',
      '--fail',
      '--insecure',
      '--verbose',
      '--include',
      '--head',
      '--compressed',
      '--remote-name',
      '--get',
      '--http1.1',
      '--http2',
      '--ipv4',
      '--ipv6',
      '--globoff',
      '--no-progress-meter',
    ]),
  },
  wget: {
    valued: 'aAbBDeIlnoOPQRtTUwXY',
    flags: new Set([
      '--quiet',
      '--verbose',
      '--no-verbose',
      '--spider',
      '--continue',
      '--no-check-certificate',
      '--recursive',
      '--mirror',
      '--timestamping',
      '--no-clobber',
      '--server-response',
    ]),
  },
};
const DEFAULT_PORT: Readonly<Record<string, string>> = { http: '80', https: '443', ssh: '22', ftp: '21', git: '9418' };

interface Candidate {
  readonly host: string;
  readonly port: string | null;
}

function fromAuthority(scheme: string, authority: string): Candidate | null {
  const at = authority.lastIndexOf('@');
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  const m = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d{1,5}))?$/i.exec(hostPort);
  if (!m?.[1]) return null;
  const host = normaliseHost(m[1]);
  if (host === null) return null;
  const port = m[2] ?? null;
  const base = scheme.toLowerCase().split('+').pop() ?? '';
  return { host, port: port === null || DEFAULT_PORT[base] === String(Number(port)) ? null : String(Number(port)) };
}

/** A bare host word: at least one dot or a bracketed address, and a name the URL parser accepts. */
function bareHost(word: string): Candidate | null {
  const m = /^(?:[^@/\s]+@)?(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?(?:\/.*)?$/i.exec(word);
  if (!m?.[1]) return null;
  if (!m[1].startsWith('[') && !/[a-z0-9-]\.[a-z0-9-]/i.test(m[1])) return null;
  const host = normaliseHost(m[1]);
  return host === null ? null : { host, port: m[2] ? String(Number(m[2])) : null };
}

function program(argv: readonly string[]): string {
  return (argv[0] ?? '').split('/').pop() ?? '';
}

function candidates(argv: readonly string[]): Candidate[] {
  const out: Candidate[] = [];
  const prog = program(argv);
  const fetcher = FETCHERS[prog];
  const valued = HOST_OPERAND[prog] ?? fetcher?.valued;
  let operandSeen = false;
  let skipValue = false;
  for (const [i, arg] of argv.entries()) {
    if (i === 0) continue;
    let urlFound = false;
    for (const m of arg.matchAll(URL_IN_ARG)) {
      const c = fromAuthority(m[1] ?? '', m[2] ?? '');
      if (c) out.push(c);
      urlFound = true;
    }
    if (skipValue) {
      skipValue = false;
      continue;
    }
    if (urlFound) continue;
    if (arg.startsWith('--')) {
      // A long option without `=` is taken to hold the next word, unless known to take none.
      skipValue = fetcher !== undefined && !arg.includes('=') && !fetcher.flags.has(arg);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // `-p 22` and `-sSo out`: the last letter takes the next word; `-p22` holds its value.
      const last = arg.at(-1);
      const letters = arg.slice(1);
      const valuedAt = [...letters].findIndex((l) => valued?.includes(l) === true);
      skipValue = valued !== undefined && last !== undefined && valuedAt === letters.length - 1;
      continue;
    }
    const firstOperand = !operandSeen;
    operandSeen = true;
    if (SSH_COPIERS.has(prog)) {
      const m = SCP_LIKE.exec(arg);
      const host = m?.[1] ? normaliseHost(m[1]) : null;
      if (host !== null && (m?.[1] ?? '').includes('.')) out.push({ host, port: null });
    } else if ((HOST_OPERAND[prog] !== undefined && firstOperand) || fetcher !== undefined) {
      const c = bareHost(arg);
      if (c) out.push(c);
    }
  }
  return out;
}

/**
 * The hosts named by the commands' argv (null argv: not literal, skipped),
 * each decided against `allowedHosts` (entries as in
 * `warden.network.allowedHosts`), in order of first mention.
 */
export function hostsNamedIn(argvs: readonly (readonly string[] | null)[], allowedHosts: readonly string[]): NamedHost[] {
  const entries = allowedHosts.flatMap((s) => {
    const e = parseHostEntry(s);
    return e ? [e] : [];
  });
  const seen = new Map<string, NamedHost>();
  for (const argv of argvs) {
    if (!argv) continue;
    for (const c of candidates(argv)) {
      const key = c.port === null ? c.host : `${c.host}:${c.port}`;
      if (seen.has(key)) continue;
      const entry = entries.find((e) => hostEntryAdmits(e, c.host, c.port));
      seen.set(key, { host: key, allowed: entry !== undefined, entry: entry?.source ?? null });
    }
  }
  return [...seen.values()];
}
