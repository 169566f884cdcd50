// The HTML document every rendered preview is: self-contained (inline styles only), no scripts,
// meant to be served with PREVIEW_HTML_HEADERS into an iframe with an empty sandbox.

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

/**
 * Headers of a rendered preview: nothing may load but data: images and inline styles, the
 * document is sandboxed (no scripts, no forms, no popups, an opaque origin) even when opened
 * outside the iframe, and only our own pages may frame it.
 */
export const PREVIEW_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";
/** Served bytes (an image, a PDF): nothing at all may load from them. */
export const PREVIEW_BYTES_CSP = "default-src 'none'; sandbox; frame-ancestors 'self'";

export const PREVIEW_HTML_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": PREVIEW_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "private, no-store",
  // The console's default is DENY; the preview is made to be framed by our own item page.
  "x-frame-options": "SAMEORIGIN",
  "cross-origin-resource-policy": "same-origin",
};

const STYLE = `
:root{color-scheme:light}
html,body{margin:0;padding:0}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#0f172a;background:#fff;overflow-wrap:anywhere}
.hf-wrap{padding:16px}
.hf-head{border-bottom:1px solid #e2e8f0;padding:12px 16px;background:#f8fafc}
.hf-head h1{font-size:16px;margin:0 0 8px;font-weight:600}
.hf-head dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
.hf-head dt{color:#475569;font-weight:500}
.hf-head dd{margin:0;min-width:0}
.hf-note{margin:12px 16px 0;padding:8px 12px;border-radius:6px;background:#fffbeb;color:#78350f;border:1px solid #fde68a}
.hf-pre{white-space:pre-wrap;word-break:break-word;font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:0}
.hf-atts{border-top:1px solid #e2e8f0;padding:12px 16px;background:#f8fafc}
.hf-atts h2{font-size:14px;margin:0 0 6px}
.hf-atts ul{margin:0;padding-left:20px}
.hf-body{padding:16px;max-width:100%;overflow-x:auto}
.hf-body img{max-width:100%;height:auto}
.hf-muted{color:#64748b}
`;

/** A complete document around `body` (already safe HTML). */
export function htmlShell(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** A short message as a whole preview document (too large, no preview for this type, still preparing…). */
export function messageDocument(title: string, message: string): string {
  return htmlShell(title, `<div class="hf-wrap"><p>${escapeHtml(message)}</p></div>`);
}
