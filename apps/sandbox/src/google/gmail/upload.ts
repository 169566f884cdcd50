// The three ways a message reaches users.messages.insert / import
// (https://developers.google.com/gmail/api/guides/uploads):
// - POST /upload/...?uploadType=media       body = the RFC 822 message (message/rfc822)
// - POST /upload/...?uploadType=multipart   multipart/related: JSON metadata, then the message
//   (what googleapis sends when given both requestBody and media)
// - POST /gmail/v1/... with a JSON Message  { raw: base64url, labelIds, threadId }
// uploadType=resumable is not emulated yet.
import type { FastifyRequest } from "fastify";
import { fromBase64Any } from "../../data/encoding";
import { parseStructured, splitMultipart } from "../../data/mime";
import { invalidArgument } from "../errors";

export interface UploadedMessage {
  raw: Buffer;
  labelIds: string[];
  threadId?: string;
}

interface MessageMetadata {
  raw?: unknown;
  labelIds?: unknown;
  threadId?: unknown;
}

function fromMetadata(meta: MessageMetadata): Omit<UploadedMessage, "raw"> {
  const labelIds = Array.isArray(meta.labelIds) ? meta.labelIds.filter((l): l is string => typeof l === "string") : [];
  return { labelIds, threadId: typeof meta.threadId === "string" ? meta.threadId : undefined };
}

export function readUpload(req: FastifyRequest, viaUploadPath: boolean): UploadedMessage {
  const body = req.body;
  if (!viaUploadPath) {
    const meta = (body && typeof body === "object" && !Buffer.isBuffer(body) ? body : {}) as MessageMetadata;
    if (typeof meta.raw !== "string" || meta.raw.length === 0) throw invalidArgument("'raw' RFC822 payload message string or uploading message via /upload/* URL required");
    return { raw: fromBase64Any(meta.raw), ...fromMetadata(meta) };
  }
  const uploadType = (req.query as Record<string, unknown>).uploadType;
  const contentType = String(req.headers["content-type"] ?? "");
  if (uploadType === "media") {
    if (!Buffer.isBuffer(body)) throw invalidArgument("Media upload requires a message/rfc822 body.");
    return { raw: body, labelIds: [] };
  }
  if (uploadType === "multipart") {
    const { value, params } = parseStructured(contentType);
    if (value !== "multipart/related" || !params.boundary || !Buffer.isBuffer(body)) throw invalidArgument("Multipart upload requires a multipart/related body.");
    const parts = splitMultipart(body.toString("latin1"), params.boundary).map(splitPart);
    const [metaPart, mediaPart] = parts;
    if (!metaPart || !mediaPart) throw invalidArgument("Multipart upload needs a metadata part and a media part.");
    let meta: MessageMetadata;
    try {
      meta = JSON.parse(Buffer.from(metaPart.body, "latin1").toString("utf8")) as MessageMetadata;
    } catch {
      throw invalidArgument("Invalid JSON in the metadata part.");
    }
    return { raw: Buffer.from(mediaPart.body, "latin1"), ...fromMetadata(meta) };
  }
  throw invalidArgument(`Unsupported uploadType: ${String(uploadType)} (the sandbox emulates media and multipart)`);
}

function splitPart(part: string): { head: string; body: string } {
  const i = part.indexOf("\r\n\r\n");
  return i === -1 ? { head: part, body: "" } : { head: part.slice(0, i), body: part.slice(i + 4) };
}
