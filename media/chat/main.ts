// The chat webview. It renders what the extension host posts and posts back
// what the person does; it loads nothing remote (see the CSP in the provider).
const app = document.getElementById('app');
if (app) {
  app.textContent = 'Warden is ready. The agent is not connected yet.';
}
