// Graph's message and fileAttachment resources
// (https://learn.microsoft.com/graph/api/resources/message, …/fileattachment) rendered from the
// stored RFC 822 bytes: addresses from From/To/Cc/Reply-To, body = the HTML part if there is one
// (Graph's default body format) else the text part, bodyPreview = its first 255 characters of
// text, hasAttachments = any part with a filename. `$select` narrows to the named properties;
// `id` and `@odata.etag` are always present, as in Graph.
import { createHash } from "node:crypto";
import { headerValue, leaves, parseMime, type MimeNode } from "../../data/mime";
import { htmlToText, primaryBody } from "../../data/text";
import { attachmentId } from "../ids";
import type { MessageState, MsMailbox } from "./mailbox";

export interface Recipient {
  emailAddress: { name: string; address: string };
}

/** Splits an address list on commas outside quotes and angle brackets. */
export function parseAddresses(value: string | undefined): Recipient[] {
  if (!value) return [];
  const out: Recipient[] = [];
  let cur = "";
  let quoted = false;
  let angle = 0;
  const flush = () => {
    const s = cur.trim();
    cur = "";
    if (!s) return;
    const m = /^(.*?)<([^>]*)>\s*$/.exec(s);
    const address = (m ? (m[2] ?? "") : s.replace(/\(.*\)/, "")).trim();
    const name = (m ? (m[1] ?? "") : "").trim().replace(/^"(.*)"$/, "$1") || address;
    if (address || name) out.push({ emailAddress: { name, address } });
  };
  for (const c of value) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === "<") angle++;
    else if (!quoted && c === ">") angle = Math.max(0, angle - 1);
    if (c === "," && !quoted && angle === 0) flush();
    else cur += c;
  }
  flush();
  return out;
}

export function changeKey(m: MessageState): string {
  return createHash("sha256").update(`${m.id}:${m.seq}`).digest("base64").slice(0, 28);
}

export function messageResource(mb: MsMailbox, m: MessageState, raw: Buffer, select?: string[]): Record<string, unknown> {
  const root = parseMime(raw);
  const h = (name: string) => headerValue(root.headers, name);
  const body = primaryBody(root);
  const preview = (body.contentType === "html" ? htmlToText(body.content) : body.content).replace(/\s+/g, " ").trim().slice(0, 255);
  const from = parseAddresses(h("from"))[0];
  const sent = Date.parse(h("date") ?? "");
  const ck = changeKey(m);
  const full: Record<string, unknown> = {
    "@odata.etag": `W/"${ck}"`,
    id: m.id,
    createdDateTime: iso(m.createdAt),
    lastModifiedDateTime: iso(m.lastModifiedAt),
    changeKey: ck,
    categories: [],
    receivedDateTime: iso(m.receivedAt),
    sentDateTime: iso(Number.isNaN(sent) ? m.receivedAt : sent),
    hasAttachments: attachmentsOf(root).length > 0,
    internetMessageId: h("message-id") ?? `<${m.id.slice(6, 30)}@sandbox.outlook.com>`,
    subject: h("subject") ?? "",
    bodyPreview: preview,
    importance: /high|urgent|^1/i.test(h("importance") ?? h("x-priority") ?? "") ? "high" : "normal",
    parentFolderId: mb.folderByKey(m.folderKey)?.id,
    conversationId: `AAQkAG${createHash("sha256").update((h("subject") ?? "").replace(/^(re|fwd?):\s*/i, "")).digest("base64url").slice(0, 40)}=`,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: m.isRead,
    isDraft: m.isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: "focused",
    body,
    sender: from ?? null,
    from: from ?? null,
    toRecipients: parseAddresses(h("to")),
    ccRecipients: parseAddresses(h("cc")),
    bccRecipients: parseAddresses(h("bcc")),
    replyTo: parseAddresses(h("reply-to")),
    flag: { flagStatus: m.flagged ? "flagged" : "notFlagged" },
  };
  if (!select?.length) return full;
  const out: Record<string, unknown> = { "@odata.etag": full["@odata.etag"], id: m.id };
  for (const p of select) if (p in full) out[p] = full[p];
  return out;
}

export interface AttachmentPart {
  partId: string;
  node: MimeNode;
}

export function attachmentsOf(root: MimeNode): AttachmentPart[] {
  return [...leaves(root)].filter(({ node }) => node.filename !== "");
}

export function attachmentResource(m: MessageState, part: AttachmentPart, withContent: boolean): Record<string, unknown> {
  const { node } = part;
  const contentId = headerValue(node.headers, "content-id");
  return {
    "@odata.type": "#microsoft.graph.fileAttachment",
    id: attachmentId(m.id, part.partId),
    lastModifiedDateTime: iso(m.lastModifiedAt),
    name: node.filename,
    contentType: node.mimeType,
    size: node.body.length,
    isInline: node.disposition === "inline" && contentId !== undefined,
    contentId: contentId?.replace(/^<|>$/g, "") ?? null,
    contentLocation: null,
    ...(withContent ? { contentBytes: node.body.toString("base64") } : {}),
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
