/**
 * Every command Warden contributes. `package.json` lists exactly these (a
 * unit test holds the two together) and `registerCommands` must give each a
 * handler (the compiler holds that).
 */
export const COMMAND_IDS = [
  'warden.newChat',
  'warden.stop',
  'warden.setApiKey',
  'warden.setSecret',
  'warden.listSecrets',
  'warden.deleteSecret',
  'warden.acceptProposal',
  'warden.acceptProposalForSession',
  'warden.rejectProposal',
  'warden.chooseProposalHunks',
  'warden.alwaysAllow',
  'warden.showPolicyReport',
  'warden.showSessionGrants',
  'warden.showAuditLog',
  'warden.verifyAuditLog',
  'warden.approveMcpServer',
  'warden.reviewMcpTools',
  'warden.restartMcpServers',
  'warden.stopMcpServers',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

export const CHAT_VIEW_ID = 'warden.chat';
