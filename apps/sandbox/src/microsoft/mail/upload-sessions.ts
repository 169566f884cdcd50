// Large attachments through an upload session (attachment-createuploadsession,
// https://learn.microsoft.com/graph/outlook-large-attachments):
//   POST …/messages/{id}/attachments/createUploadSession { AttachmentItem: { attachmentType:
//   "file", name, size, contentType?, isInline?, contentId? } } → 201 uploadSession
//   { uploadUrl, expirationDateTime, nextExpectedRanges: ["0"] }
//   PUT uploadUrl with Content-Range: bytes a-b/size: an intermediate slice → 200
//   { ExpirationDateTime, NextExpectedRanges: ["b+1"] } (Outlook answers a single "{start}",
//   in its own PascalCase REST shape; OneDrive sessions answer 202 with ranges); the last slice →
//   201 Created, Location: the new attachment, no body. DELETE uploadUrl cancels (204).
// The upload URL is pre-authenticated by an opaque token in its query, like Outlook's; an
// Authorization header is not needed (and ignored: the Graph client adds one for custom hosts).
// Slices must arrive in order; Outlook allows up to 150 MB per attachment.
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { SandboxContext } from "../../context";
import { parseMime } from "../../data/mime";
import { baseUrl } from "../../http/base-url";
import { GraphError, invalidRequest, itemNotFound } from "../errors";
import { attachmentId } from "../ids";
import { graphBase } from "../odata";
import { PERMISSIONS } from "../scopes";
import type { MicrosoftTenant } from "../tenant";
import { mailboxOf, type MailRoute } from "./context";
import { addAttachment } from "./compose";
import { attachmentsOf } from "./format";

const MAX_ATTACHMENT = 150 * 1024 * 1024;
const SESSION_TTL_MS = 15 * 60_000;

interface Session {
  id: string;
  secret: string;
  tenant: MicrosoftTenant;
  userId: string;
  messageId: string;
  name: string;
  contentType: string;
  isInline: boolean;
  contentId?: string;
  size: number;
  chunks: Buffer[];
  received: number;
  expiresAt: number;
}

export const UPLOAD_PATH = "/microsoft/outlook/upload/AttachmentSessions";

export function registerUploadSessions(app: FastifyInstance, route: MailRoute, ctx: SandboxContext): void {
  const sessions = new Map<string, Session>();

  route("POST", "/messages/:mid/attachments/createUploadSession", async (req, reply) => {
    const { caller, user, mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailWrite);
    const m = mb.get((req.params as { mid: string }).mid);
    if (!m) throw itemNotFound();
    const item = (req.body as { AttachmentItem?: Record<string, unknown> } | undefined)?.AttachmentItem;
    if (!item || item.attachmentType !== "file") throw invalidRequest("AttachmentItem with attachmentType 'file' is required.");
    if (typeof item.name !== "string" || !item.name) throw invalidRequest("AttachmentItem.name is required.");
    const size = Number(item.size);
    if (!Number.isInteger(size) || size < 1) throw invalidRequest("AttachmentItem.size is required.");
    if (size > MAX_ATTACHMENT) throw new GraphError(413, "ErrorAttachmentSizeLimitExceeded", "The attachment exceeds the maximum size of 150 MB.");
    if (!mb.composed.has(m.id)) throw invalidRequest("The sandbox adds attachments only to messages created with a JSON message resource.");
    for (const [k, s] of sessions) if (s.expiresAt < Date.now()) sessions.delete(k);
    const session: Session = {
      id: randomBytes(16).toString("hex"),
      secret: randomBytes(24).toString("base64url"),
      tenant: caller.tenant,
      userId: user.id,
      messageId: m.id,
      name: item.name,
      contentType: typeof item.contentType === "string" ? item.contentType : "application/octet-stream",
      isInline: item.isInline === true,
      ...(typeof item.contentId === "string" ? { contentId: item.contentId } : {}),
      size,
      chunks: [],
      received: 0,
      expiresAt: Date.now() + SESSION_TTL_MS,
    };
    sessions.set(session.id, session);
    return reply.code(201).send({
      "@odata.context": `${graphBase(req)}/$metadata#microsoft.graph.uploadSession`,
      uploadUrl: `${baseUrl(req)}${UPLOAD_PATH}/${session.id}?authtoken=${session.secret}`,
      expirationDateTime: new Date(session.expiresAt).toISOString(),
      nextExpectedRanges: ["0"],
    });
  });

  const sessionOf = (params: unknown, query: unknown): Session => {
    const s = sessions.get((params as { sid: string }).sid);
    const token = (query as { authtoken?: string }).authtoken;
    if (!s || token !== s.secret) throw new GraphError(401, "InvalidAuthenticationToken", "The upload session token is invalid or has expired.");
    if (s.expiresAt < Date.now()) {
      sessions.delete(s.id);
      throw new GraphError(404, "ErrorItemNotFound", "The upload session has expired.");
    }
    return s;
  };

  app.put(`${UPLOAD_PATH}/:sid`, { bodyLimit: 64 * 1024 * 1024 }, async (req, reply) => {
    const s = sessionOf(req.params, req.query);
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers["content-range"] ?? ""));
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!range) throw invalidRequest("The Content-Range header is missing or malformed.");
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (total !== s.size) throw invalidRequest(`The total size ${total} does not match the session's size ${s.size}.`);
    if (start !== s.received || end < start || end >= s.size || body.length !== end - start + 1) {
      return reply.code(416).send(new GraphError(416, "ErrorInvalidRange", `Expected bytes starting at ${s.received}, of the length the Content-Range names.`).body());
    }
    s.chunks.push(body);
    s.received += body.length;
    s.expiresAt = Date.now() + SESSION_TTL_MS;
    if (s.received < s.size) {
      return reply.code(200).send({ "@odata.context": "https://outlook.office.com/api/v2.0/$metadata#Microsoft.OutlookServices.UploadSession", ExpirationDateTime: new Date(s.expiresAt).toISOString(), NextExpectedRanges: [String(s.received)] });
    }
    sessions.delete(s.id);
    const user = s.tenant.users.find((u) => u.id === s.userId);
    const mb = user ? s.tenant.mailbox(user) : undefined;
    const m = mb?.get(s.messageId);
    if (!mb || !m) throw itemNotFound();
    const after = addAttachment(mb, m, { name: s.name, contentType: s.contentType, bytes: Buffer.concat(s.chunks), isInline: s.isInline, ...(s.contentId ? { contentId: s.contentId } : {}) });
    const parts = attachmentsOf(parseMime((await mb.raw(after.id)) ?? Buffer.alloc(0)));
    const last = parts[parts.length - 1];
    const aid = last ? attachmentId(after.id, last.partId) : "";
    return reply
      .code(201)
      .header("location", `${graphBase(req)}/users('${s.userId}')/messages('${after.id}')/attachments('${aid}')`)
      .send();
  });

  app.delete(`${UPLOAD_PATH}/:sid`, async (req, reply) => {
    const s = sessionOf(req.params, req.query);
    sessions.delete(s.id);
    return reply.code(204).send();
  });
}
