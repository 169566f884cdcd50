// Identifiers in Microsoft's shapes: directory objects (tenants, users, apps) are GUIDs;
// Exchange item and folder ids are long opaque base64 strings. Ours are deterministic and carry
// what the sandbox needs to find the item again without an index (like Gmail's ids in gmail/).
import { Rng } from "../data/random";

/** A version-4-shaped GUID from a seeded generator. */
export function guid(rng: Rng): string {
  const b = rng.bytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Exchange's ids are URL-safe base64 in Graph ("-" and "_"), usually starting "AAMkA". */
export function messageId(mailboxTag: number, index: number): string {
  const b = Buffer.alloc(24);
  b.writeUInt32BE(mailboxTag, 0);
  b.writeUInt32BE(index, 4);
  Rng.from("msgid", mailboxTag, index).bytes(16).copy(b, 8);
  return `AAMkAG${b.toString("base64url")}`;
}

export function parseMessageId(id: string, mailboxTag: number): number | undefined {
  if (!id.startsWith("AAMkAG")) return undefined;
  const b = Buffer.from(id.slice(6), "base64url");
  if (b.length !== 24 || b.readUInt32BE(0) !== mailboxTag) return undefined;
  const index = b.readUInt32BE(4);
  return messageId(mailboxTag, index) === id ? index : undefined;
}

export function folderId(mailboxTag: number, key: string): string {
  const b = Buffer.alloc(20);
  b.writeUInt32BE(mailboxTag, 0);
  Rng.from("folder", mailboxTag, key).bytes(16).copy(b, 4);
  return `AAMkAGI${b.toString("base64url")}AAA=`;
}

/** Attachment ids: the message id and the MIME part, so no state is kept for them. */
export function attachmentId(messageIdValue: string, partId: string): string {
  return `AAMkAGAtt${Buffer.from(`${messageIdValue}|${partId}`).toString("base64url")}`;
}

export function parseAttachmentId(id: string): { messageId: string; partId: string } | undefined {
  if (!id.startsWith("AAMkAGAtt")) return undefined;
  const [m, p] = Buffer.from(id.slice(9), "base64url").toString("utf8").split("|");
  return m && p !== undefined ? { messageId: m, partId: p } : undefined;
}
