// Safe previews of backed-up item versions (the console's item page). Pure: bytes in, a document out.
export * from "./type";
export { escapeHtml, htmlShell, messageDocument, PREVIEW_BYTES_CSP, PREVIEW_CSP, PREVIEW_HTML_HEADERS } from "./shell";
export { decodeText, renderTextPreview, type TextPreview } from "./text";
export { cleanCss, type CleanCss } from "./css";
export { renderMailPreview, sanitizeMailHtml, type MailAttachment, type MailPreview, type RenderMailOptions } from "./mail";
