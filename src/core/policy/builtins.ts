/**
 * Protected globs that settings cannot remove: writes here always ask. The
 * issue's list, Warden's own config, and files that configure agents or tools
 * that run code on their own (hooks, env loaders, package-manager rc files).
 */
export const BUILTIN_PROTECTED: readonly string[] = [
  // Editor and workspace configuration.
  '**/.vscode/**',
  '**/*.code-workspace',
  '**/.idea/**',
  '**/.devcontainer/**',
  '**/.devcontainer.json',
  // Git: its folder, the `.git` file of worktrees and submodules, hooks and attributes.
  '**/.git',
  '**/.git/**',
  '**/.github/**',
  '**/.gitmodules',
  '**/.gitattributes',
  '**/.gitconfig',
  '**/.husky/**',
  '**/.pre-commit-config.yaml',
  '**/lefthook.yml',
  '**/.lefthook.yml',
  '**/.gitlab-ci.yml',
  // Environment loaders and shell start-up files.
  '**/.envrc',
  '**/.bashrc',
  '**/.bash_profile',
  '**/.profile',
  '**/.zshrc',
  '**/.zshenv',
  '**/.zprofile',
  '**/mise.toml',
  '**/.mise.toml',
  '**/.tool-versions',
  // Package managers that run scripts from their rc files.
  '**/.yarnrc',
  '**/.yarnrc.yml',
  '**/.pnpmfile.cjs',
  '**/.cargo/config',
  '**/.cargo/config.toml',
  // Agent configuration (Warden's own first).
  '**/.warden/**',
  '**/.claude/**',
  '**/.cursor/**',
  '**/.cursorrules',
  '**/.roo/**',
  '**/.roomodes',
  '**/.clinerules',
  '**/.clinerules/**',
  '**/.windsurf/**',
  '**/.windsurfrules',
  '**/.continue/**',
  '**/.gemini/**',
  '**/.codex/**',
  '**/.aider*',
  '**/.mcp.json',
  '**/AGENTS.md',
  '**/CLAUDE.md',
  '**/GEMINI.md',
];
