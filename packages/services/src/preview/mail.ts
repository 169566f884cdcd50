// A backed-up message (RFC 822 bytes) as a safe HTML document: its headers, its body (HTML
// sanitised with sanitize-html, or text escaped), inline `cid:` images as data: URLs, remote
// content removed and counted, attachments listed. Nothing in the result runs or fetches.
import PostalMime, { type Address, type Attachment, type Email } from "postal-mime";
import sanitizeHtml from "sanitize-html";
import { cleanCss } from "./css";
import { escapeHtml, htmlShell } from "./shell";
import { formatBytes } from "./type";

export interface MailAttachment {
  filename: string;
  mimeType: string;
  size: number;
  /** Shown inside the body (a `cid:` image). */
  inline: boolean;
}

export interface MailPreview {
  html: string;
  subject: string;
  /** Remote images, stylesheets and fonts removed from the body. */
  blockedRemote: number;
  attachments: MailAttachment[];
}

export interface RenderMailOptions {
  /** IANA zone the Date header is shown in (the viewer's); UTC when absent or unknown. */
  timeZone?: string;
}

/** Only raster images become data: URLs; an SVG could carry script or links. */
const INLINE_IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const SAFE_DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp)[;,]/i;
const REMOTE = /^\s*(?:(?:https?|ftp):)?\/\//i;

const ALLOWED_TAGS = [
  ...sanitizeHtml.defaults.allowedTags,
  "img",
  "font",
  "center",
  "big",
  "strike",
  "tt",
  "del",
  "ins",
  "style",
];

const LAYOUT_ATTRIBUTES = ["style", "class", "align", "valign", "width", "height", "bgcolor", "color", "border", "cellpadding", "cellspacing", "colspan", "rowspan", "dir", "lang", "title", "nowrap"];

function bytesOf(content: Attachment["content"]): Uint8Array {
  if (typeof content === "string") return Buffer.from(content, "base64");
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

function normaliseCid(raw: string): string {
  let cid = raw.trim();
  try {
    cid = decodeURIComponent(cid);
  } catch {
    // keep it as written
  }
  return cid.replace(/^<|>$/g, "").trim().toLowerCase();
}

function addressText(a: Address): string {
  if ("group" in a && Array.isArray(a.group)) return `${a.name}: ${a.group.map(addressText).join(", ")}`;
  const address = "address" in a ? (a.address ?? "") : "";
  if (a.name && address) return `${a.name} <${address}>`;
  return a.name || address;
}

function formatDate(raw: string | undefined, timeZone: string | undefined): string | undefined {
  if (!raw) return undefined;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) return raw;
  let zone = "UTC";
  if (timeZone) {
    try {
      new Intl.DateTimeFormat("en-GB", { timeZone });
      zone = timeZone;
    } catch {
      // unknown zone: UTC
    }
  }
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "long", timeZone: zone }).format(d);
}

/** Sanitises a message's HTML body; `cid` maps normalised Content-IDs to data: URLs. */
export function sanitizeMailHtml(html: string, cid: ReadonlyMap<string, string> = new Map()): { html: string; blockedRemote: number } {
  let blocked = 0;
  const resolveCid = (ref: string) => cid.get(normaliseCid(ref));
  const clean = sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    // <style> is allowed for layout; its text is made inert below (sanitize-html passes it through as is).
    allowVulnerableTags: true,
    disallowedTagsMode: "discard",
    nonTextTags: ["script", "textarea", "option", "noscript", "title", "template", "xmp", "iframe", "noembed", "noframes", "object"],
    allowedAttributes: {
      "*": LAYOUT_ATTRIBUTES,
      a: ["href", "name", "target", "rel"],
      img: ["src", "alt"],
      font: ["face", "size", "color"],
      ol: ["start", "type"],
      td: ["abbr", "headers", "scope"],
      th: ["abbr", "headers", "scope"],
    },
    allowedSchemes: ["http", "https", "mailto", "tel"],
    allowedSchemesByTag: { img: ["data"] },
    allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
    allowProtocolRelative: false,
    // The style attribute is cleaned by transformTags; sanitize-html then parses it again.
    parseStyleAttributes: true,
    exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
    transformTags: {
      "*": (tagName, attribs) => {
        const out: Record<string, string> = { ...attribs };
        if (out.background !== undefined) {
          if (REMOTE.test(out.background)) blocked++;
          delete out.background;
        }
        if (out.style !== undefined) {
          const css = cleanCss(out.style, resolveCid);
          blocked += css.blocked;
          out.style = css.css;
        }
        if (tagName === "a") {
          // In-page anchors stay in the page; every other link opens apart from the preview.
          if (!(out.href ?? "").trim().startsWith("#")) out.target = "_blank";
          else delete out.target;
          out.rel = "noopener noreferrer";
        }
        if (tagName === "img") {
          const src = (out.src ?? "").trim();
          const remoteSrcset = out.srcset !== undefined && /(?:^|,)\s*(?:(?:https?:)?\/\/)/i.test(out.srcset);
          delete out.srcset;
          let safe: string | undefined;
          if (/^cid:/i.test(src)) safe = resolveCid(src.slice(4));
          else if (SAFE_DATA_IMAGE.test(src)) safe = src;
          if (safe === undefined) {
            if (REMOTE.test(src) || remoteSrcset) blocked++;
            // An <img> without src is dropped by exclusiveFilter below.
            delete out.src;
            return { tagName, attribs: out };
          }
          out.src = safe;
        }
        return { tagName, attribs: out };
      },
    },
  });
  // sanitize-html leaves the text of an allowed <style> untouched; in its output every other `<`
  // is escaped, so the <style> elements are exactly these matches.
  const withCss = clean.replace(/<style\b[^>]*>([\s\S]*?)<\/style>/gi, (_m, css: string) => {
    const c = cleanCss(css, resolveCid);
    blocked += c.blocked;
    return `<style>${c.css}</style>`;
  });
  return { html: withCss, blockedRemote: blocked };
}

function headerRow(label: string, value: string | undefined): string {
  return value ? `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>` : "";
}

export async function renderMailPreview(raw: Uint8Array, opts: RenderMailOptions = {}): Promise<MailPreview> {
  const email: Email = await PostalMime.parse(raw, { attachmentEncoding: "arraybuffer" });
  const subject = email.subject?.trim() || "(no subject)";

  const cid = new Map<string, string>();
  const attachments: MailAttachment[] = email.attachments.map((a) => {
    const bytes = bytesOf(a.content);
    const mimeType = (a.mimeType || "application/octet-stream").toLowerCase();
    const id = a.contentId ? normaliseCid(a.contentId) : undefined;
    if (id && INLINE_IMAGE_TYPES.has(mimeType)) cid.set(id, `data:${mimeType};base64,${Buffer.from(bytes).toString("base64")}`);
    return { filename: a.filename ?? "(unnamed)", mimeType, size: bytes.byteLength, inline: Boolean(id && INLINE_IMAGE_TYPES.has(mimeType) && a.disposition !== "attachment") };
  });

  let body: string;
  let blockedRemote = 0;
  if (email.html !== undefined && email.html.trim() !== "") {
    const s = sanitizeMailHtml(email.html, cid);
    body = s.html;
    blockedRemote = s.blockedRemote;
  } else {
    body = `<pre class="hf-pre">${escapeHtml(email.text ?? "")}</pre>`;
  }

  const from = email.from ? addressText(email.from) : undefined;
  const list = (as: Address[] | undefined) => (as && as.length > 0 ? as.map(addressText).join(", ") : undefined);
  const head = `<header class="hf-head"><h1>${escapeHtml(subject)}</h1><dl>${headerRow("From", from)}${headerRow("To", list(email.to))}${headerRow("Cc", list(email.cc))}${headerRow("Date", formatDate(email.date, opts.timeZone))}${headerRow("Subject", subject)}</dl></header>`;
  const note =
    blockedRemote > 0
      ? `<p class="hf-note" role="note">${blockedRemote === 1 ? "1 remote image was blocked" : `${blockedRemote} remote images were blocked`}. Remote content is never loaded in a preview.</p>`
      : "";
  const atts =
    attachments.length > 0
      ? `<section class="hf-atts" aria-label="Attachments"><h2>Attachments (${attachments.length})</h2><ul>${attachments
          .map((a) => `<li>${escapeHtml(a.filename)} <span class="hf-muted">— ${escapeHtml(a.mimeType)}, ${escapeHtml(formatBytes(a.size))}${a.inline ? ", shown in the message" : ""}</span></li>`)
          .join("")}</ul></section>`
      : "";
  const html = htmlShell(subject, `${head}${note}<main class="hf-body">${body}</main>${atts}`);
  return { html, subject, blockedRemote, attachments };
}
