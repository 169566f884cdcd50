// The consent screen a person sees in a browser. Plain HTML, no scripts: a form that posts the
// decision back to the authorization endpoint with the original request's parameters.
export interface ConsentView {
  providerName: string;
  clientName: string;
  action: string;
  params: Record<string, string>;
  scopes: { scope: string; description: string }[];
  accounts: { email: string; name: string; admin: boolean }[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

export function renderConsentPage(v: ConsentView): string {
  const hidden = Object.entries(v.params)
    .map(([k, val]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(val)}">`)
    .join("\n      ");
  const accounts = v.accounts
    .map(
      (a, i) =>
        `<label class="account"><input type="radio" name="subject" value="${escapeHtml(a.email)}"${i === 0 ? " checked" : ""}> ${escapeHtml(a.name)} &lt;${escapeHtml(a.email)}&gt;${a.admin ? ' <span class="badge">admin</span>' : ""}</label>`,
    )
    .join("\n      ");
  const scopes = v.scopes.map((s) => `<li><strong>${escapeHtml(s.description)}</strong><br><code>${escapeHtml(s.scope)}</code></li>`).join("\n        ");
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Sign in - ${escapeHtml(v.providerName)} (sandbox)</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; color: #202124; }
    .card { border: 1px solid #dadce0; border-radius: 8px; padding: 2rem; }
    .account { display: block; padding: .5rem 0; }
    .badge { font-size: .75rem; background: #e8f0fe; color: #1967d2; padding: 0 .4rem; border-radius: 4px; }
    .actions { display: flex; gap: 1rem; justify-content: flex-end; margin-top: 1.5rem; }
    button { font-size: 1rem; padding: .5rem 1.25rem; border-radius: 4px; border: 1px solid #dadce0; background: #fff; cursor: pointer; }
    button[value=approve] { background: #1a73e8; color: #fff; border-color: #1a73e8; }
    .note { color: #5f6368; font-size: .85rem; }
  </style>
</head>
<body>
  <div class="card">
    <h1>${escapeHtml(v.clientName)} wants to access your ${escapeHtml(v.providerName)} account</h1>
    <form method="post" action="${escapeHtml(v.action)}">
      ${hidden}
      <h2>Choose an account</h2>
      ${accounts || "<p>No sandbox tenant matches this request. Create one with POST /_control/tenants.</p>"}
      <h2>This will allow ${escapeHtml(v.clientName)} to:</h2>
      <ul>
        ${scopes}
      </ul>
      <div class="actions">
        <button type="submit" name="decision" value="deny">Cancel</button>
        <button type="submit" name="decision" value="approve"${v.accounts.length ? "" : " disabled"}>Allow</button>
      </div>
    </form>
    <p class="note">Holdfast sandbox: an emulated consent screen. Scripts can skip it with the request header X-Sandbox-Consent: approve.</p>
  </div>
</body>
</html>
`;
}
