// The users.messages resource (https://developers.google.com/gmail/api/reference/rest/v1/users.messages)
// in its four formats:
// - minimal: id, threadId, labelIds, snippet, sizeEstimate, historyId, internalDate; no payload.
// - raw: minimal plus `raw`, the whole RFC 822 message base64url-encoded.
// - metadata: minimal plus payload { partId, mimeType, filename, headers } (headers narrowed by
//   metadataHeaders, matched case-insensitively), no bodies.
// - full (default): the parsed MIME tree. Each MessagePart has partId ("" for the root, "0",
//   "0.1", … below it), mimeType, filename, headers and body { size, data? , attachmentId? }.
//   Multipart containers have body { size: 0 } and `parts`; leaves with a filename carry an
//   attachmentId (fetch with users.messages.attachments.get) instead of inline data; other
//   leaves carry their transfer-decoded bytes base64url-encoded in body.data.
import { base64url } from "../../data/encoding";
import { findPart, leafText, leaves, parseMime, type MimeNode } from "../../data/mime";
import { htmlToText } from "../../data/text";
import type { MessageMeta } from "./mailbox";

export type MessageFormat = "minimal" | "raw" | "metadata" | "full";

export interface MessagePartBody {
  size: number;
  data?: string;
  attachmentId?: string;
}

export interface MessagePart {
  partId: string;
  mimeType: string;
  filename: string;
  headers: { name: string; value: string }[];
  body?: MessagePartBody;
  parts?: MessagePart[];
}

export interface GmailMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  snippet: string;
  sizeEstimate: number;
  historyId: string;
  internalDate: string;
  payload?: MessagePart;
  raw?: string;
}

// Attachment ids are opaque to clients; ours encode the part so no state is kept for them.
// (Real Gmail issues a different id on each messages.get; both kinds work with attachments.get.)
export function attachmentId(messageId: string, partId: string): string {
  return `ANGjdJ${base64url(`${messageId}:${partId}`)}`;
}

export function parseAttachmentId(id: string): { messageId: string; partId: string } | undefined {
  if (!id.startsWith("ANGjdJ")) return undefined;
  const decoded = Buffer.from(id.slice(6), "base64url").toString("utf8");
  const m = /^([0-9a-f]{16}):([0-9.]*)$/.exec(decoded);
  return m?.[1] !== undefined && m[2] !== undefined ? { messageId: m[1], partId: m[2] } : undefined;
}

/** Gmail snippets: the first ~200 characters of the message text, whitespace collapsed, HTML-escaped. */
export function snippetOf(root: MimeNode): string {
  let text = "";
  for (const { node } of leaves(root)) {
    if (node.filename) continue;
    if (node.mimeType === "text/plain") {
      text = leafText(node);
      break;
    }
    if (node.mimeType === "text/html" && !text) text = htmlToText(leafText(node));
  }
  const collapsed = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return collapsed.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

function toPart(messageId: string, node: MimeNode, partId: string): MessagePart {
  const part: MessagePart = { partId, mimeType: node.mimeType, filename: node.filename, headers: node.headers };
  if (node.children.length) {
    part.body = { size: 0 };
    part.parts = node.children.map((c, i) => toPart(messageId, c, partId === "" ? String(i) : `${partId}.${i}`));
  } else if (node.filename) {
    part.body = { attachmentId: attachmentId(messageId, partId), size: node.body.length };
  } else {
    part.body = node.body.length ? { size: node.body.length, data: base64url(node.body) } : { size: 0 };
  }
  return part;
}

export function formatMessage(meta: MessageMeta, raw: Buffer, format: MessageFormat, metadataHeaders: string[] = []): GmailMessage {
  const root = parseMime(raw);
  const msg: GmailMessage = {
    id: meta.id,
    threadId: meta.threadId,
    labelIds: meta.labelIds,
    snippet: snippetOf(root),
    sizeEstimate: raw.length,
    historyId: String(meta.historyId),
    internalDate: String(meta.internalDate),
  };
  switch (format) {
    case "minimal":
      return msg;
    case "raw":
      return { ...msg, raw: base64url(raw) };
    case "metadata": {
      const wanted = new Set(metadataHeaders.map((h) => h.toLowerCase()));
      const headers = wanted.size ? root.headers.filter((h) => wanted.has(h.name.toLowerCase())) : root.headers;
      return { ...msg, payload: { partId: "", mimeType: root.mimeType, filename: root.filename, headers } };
    }
    case "full":
      return { ...msg, payload: toPart(meta.id, root, "") };
  }
}

/** users.messages.attachments.get: the decoded part body, base64url-encoded. */
export function attachmentBody(raw: Buffer, partId: string): { size: number; data: string } | undefined {
  const part = findPart(parseMime(raw), partId);
  if (!part || part.children.length) return undefined;
  return { size: part.body.length, data: base64url(part.body) };
}
