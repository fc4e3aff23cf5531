import * as vscode from 'vscode';
import type { SessionGrant, SessionGrants } from '../../core/agent/sessionGrants';
import { neutralise } from '../../core/text/neutralise';

const SCOPE_WORDS: Record<SessionGrant['scope'], string> = {
  file: 'this file',
  folder: 'every file under this folder',
  exact: 'exactly this call',
};

/**
 * "Warden: Session Grants": lists what was approved for this session and
 * revokes the grants the person picks: each grant in words with its scope
 * (`writes under src/lib/** (folder)`); the next call it covered asks again.
 */
export function sessionGrantsCommand(grants: Pick<SessionGrants, 'list' | 'revoke'>): () => Promise<void> {
  return async () => {
    const all = grants.list();
    if (all.length === 0) {
      void vscode.window.showInformationMessage('Warden: nothing was approved for this session.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      // A path in a grant may hold hidden characters: shown made visible, as everywhere a person reads a path.
      all.map((g) => ({ label: neutralise(g.description), description: `${SCOPE_WORDS[g.scope]} · given on ${g.tool}`, key: g.key })),
      { canPickMany: true, title: 'Warden: approved for this session', placeHolder: 'Check the grants to revoke, then press Enter' },
    );
    if (!picked || picked.length === 0) return;
    const revoked = picked.filter((p) => grants.revoke(p.key));
    void vscode.window.showInformationMessage(
      `Warden: revoked ${revoked.length} grant${revoked.length === 1 ? '' : 's'}; those calls ask again.`,
    );
  };
}
