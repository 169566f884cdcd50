// RFC 822 bytes for a message created through Graph's JSON (POST …/messages with a message
// resource), so `$value`, the manifest and attachments behave as for any other message. The JSON
// source is kept so attachments added later (POST …/attachments, upload sessions) re-render it.
import { randomBytes } from "node:crypto";
import { invalidRequest, itemNotFound } from "../errors";
import type { Recipient } from "./format";
import type { MessageState, MsMailbox } from "./mailbox";

export interface ComposeAttachment {
  name: string;
  contentType: string;
  bytes: Buffer;
  isInline: boolean;
  contentId?: string;
}

export interface ComposeInput {
  subject: string;
  body: { contentType: "html" | "text"; content: string };
  from?: Recipient;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  internetMessageId?: string;
  date: number;
  attachments: ComposeAttachment[];
}

function recipients(v: unknown): Recipient[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((r: unknown) => {
    const e = (r as { emailAddress?: { name?: unknown; address?: unknown } } | null)?.emailAddress;
    const address = typeof e?.address === "string" ? e.address : "";
    return address ? [{ emailAddress: { name: typeof e?.name === "string" ? e.name : address, address } }] : [];
  });
}

export function composeInputFrom(json: Record<string, unknown>, date: number): ComposeInput {
  const body = json.body as { contentType?: unknown; content?: unknown } | undefined;
  const from = recipients([json.from])[0];
  return {
    subject: typeof json.subject === "string" ? json.subject : "",
    body: { contentType: typeof body?.contentType === "string" && body.contentType.toLowerCase() === "html" ? "html" : "text", content: typeof body?.content === "string" ? body.content : "" },
    ...(from ? { from } : {}),
    toRecipients: recipients(json.toRecipients),
    ccRecipients: recipients(json.ccRecipients),
    bccRecipients: recipients(json.bccRecipients),
    internetMessageId: typeof json.internetMessageId === "string" ? json.internetMessageId : undefined,
    date,
    attachments: [],
  };
}

const encodeWord = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?utf-8?B?${Buffer.from(s, "utf8").toString("base64")}?=`);
const address = (r: Recipient) => (r.emailAddress.name && r.emailAddress.name !== r.emailAddress.address ? `${encodeWord(`"${r.emailAddress.name.replace(/"/g, "")}"`)} <${r.emailAddress.address}>` : r.emailAddress.address);
const wrap = (b64: string) => b64.replace(/.{76}/g, "$&\r\n");
const fileParam = (name: string) => (/^[\x20-\x7e]*$/.test(name) ? `filename="${name.replace(/"/g, "")}"` : `filename*=UTF-8''${encodeURIComponent(name)}`);

export function renderMime(c: ComposeInput, boundarySeed = randomBytes(12).toString("hex")): Buffer {
  const head = [
    ...(c.from ? [`From: ${address(c.from)}`] : []),
    ...(c.toRecipients.length ? [`To: ${c.toRecipients.map(address).join(", ")}`] : []),
    ...(c.ccRecipients.length ? [`Cc: ${c.ccRecipients.map(address).join(", ")}`] : []),
    ...(c.bccRecipients.length ? [`Bcc: ${c.bccRecipients.map(address).join(", ")}`] : []),
    `Subject: ${encodeWord(c.subject)}`,
    `Date: ${new Date(c.date).toUTCString().replace(/GMT$/, "+0000")}`,
    `Message-ID: ${c.internetMessageId ?? `<${boundarySeed}@sandbox.outlook.com>`}`,
    "MIME-Version: 1.0",
  ];
  const bodyPart = [`Content-Type: text/${c.body.contentType === "html" ? "html" : "plain"}; charset="utf-8"`, "Content-Transfer-Encoding: base64", "", wrap(Buffer.from(c.body.content, "utf8").toString("base64"))].join("\r\n");
  if (!c.attachments.length) return Buffer.from(`${head.join("\r\n")}\r\n${bodyPart}\r\n`, "utf8");
  const boundary = `_000_${boundarySeed}_`;
  const parts = [
    bodyPart,
    ...c.attachments.map((a) =>
      [
        `Content-Type: ${a.contentType}; name="${a.name.replace(/"/g, "")}"`,
        `Content-Disposition: ${a.isInline ? "inline" : "attachment"}; ${fileParam(a.name)}`,
        ...(a.contentId ? [`Content-ID: <${a.contentId}>`] : []),
        "Content-Transfer-Encoding: base64",
        "",
        wrap(a.bytes.toString("base64")),
      ].join("\r\n"),
    ),
  ];
  return Buffer.from(`${head.join("\r\n")}\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("")}--${boundary}--\r\n`, "utf8");
}

/** Appends an attachment to a message created through Graph JSON (re-rendering its MIME). */
export function addAttachment(mb: MsMailbox, m: MessageState, a: ComposeAttachment): MessageState {
  const source = mb.composed.get(m.id);
  if (!source) throw invalidRequest("The sandbox adds attachments only to messages created with a JSON message resource (MIME-created and delivered messages carry theirs in the MIME).");
  source.attachments.push(a);
  const after = mb.replaceRaw(m.id, renderMime(source, m.id.slice(6, 30).replace(/[^A-Za-z0-9]/g, "x")));
  if (!after) throw itemNotFound();
  return after;
}
