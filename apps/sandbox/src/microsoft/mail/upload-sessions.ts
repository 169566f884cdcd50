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
import type { FastifyInstance } from "fastify";
import type { SandboxContext } from "../../context";
import { parseMime } from "../../data/mime";
import { GraphError, invalidRequest, itemNotFound } from "../errors";
import { attachmentId } from "../ids";
import { graphBase } from "../odata";
import { PERMISSIONS } from "../scopes";
import type { MicrosoftTenant } from "../tenant";
import { UploadSessionStore } from "../upload-sessions";
import { mailboxOf, type MailRoute } from "./context";
import { addAttachment } from "./compose";
import { attachmentsOf } from "./format";

const MAX_ATTACHMENT = 150 * 1024 * 1024;
const SESSION_TTL_MS = 15 * 60_000;

interface Pending {
  tenant: MicrosoftTenant;
  userId: string;
  messageId: string;
  name: string;
  contentType: string;
  isInline: boolean;
  contentId?: string;
}

export const UPLOAD_PATH = "/microsoft/outlook/upload/AttachmentSessions";

export function registerUploadSessions(app: FastifyInstance, route: MailRoute, ctx: SandboxContext): void {
  const sessions = new UploadSessionStore<Pending>(UPLOAD_PATH, "authtoken", SESSION_TTL_MS);

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
    const session = sessions.create(
      {
        tenant: caller.tenant,
        userId: user.id,
        messageId: m.id,
        name: item.name,
        contentType: typeof item.contentType === "string" ? item.contentType : "application/octet-stream",
        isInline: item.isInline === true,
        ...(typeof item.contentId === "string" ? { contentId: item.contentId } : {}),
      },
      size,
    );
    return reply.code(201).send({
      "@odata.context": `${graphBase(req)}/$metadata#microsoft.graph.uploadSession`,
      uploadUrl: sessions.url(req, session),
      expirationDateTime: new Date(session.expiresAt).toISOString(),
      nextExpectedRanges: ["0"],
    });
  });

  app.put(`${UPLOAD_PATH}/:sid`, { bodyLimit: 64 * 1024 * 1024 }, async (req, reply) => {
    const s = sessions.of(req);
    const slice = sessions.accept(s, req.headers["content-range"], req.body, (message) => new GraphError(416, "ErrorInvalidRange", message));
    if (!slice.done) {
      return reply.code(200).send({ "@odata.context": "https://outlook.office.com/api/v2.0/$metadata#Microsoft.OutlookServices.UploadSession", ExpirationDateTime: new Date(s.expiresAt).toISOString(), NextExpectedRanges: [String(slice.next)] });
    }
    const p = s.meta;
    const user = p.tenant.users.find((u) => u.id === p.userId);
    const mb = user ? p.tenant.mailbox(user) : undefined;
    const m = mb?.get(p.messageId);
    if (!mb || !m) throw itemNotFound();
    const after = addAttachment(mb, m, { name: p.name, contentType: p.contentType, bytes: slice.bytes, isInline: p.isInline, ...(p.contentId ? { contentId: p.contentId } : {}) });
    const parts = attachmentsOf(parseMime((await mb.raw(after.id)) ?? Buffer.alloc(0)));
    const last = parts[parts.length - 1];
    const aid = last ? attachmentId(after.id, last.partId) : "";
    return reply
      .code(201)
      .header("location", `${graphBase(req)}/users('${p.userId}')/messages('${after.id}')/attachments('${aid}')`)
      .send();
  });

  app.delete(`${UPLOAD_PATH}/:sid`, async (req, reply) => {
    sessions.cancel(sessions.of(req));
    return reply.code(204).send();
  });
}
