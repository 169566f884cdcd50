// Graph v1.0 mail (https://learn.microsoft.com/graph/api/resources/mail-api-overview), for
// /users/{id | userPrincipalName}/… and /me/…:
//   mailFolders/{id}/messages, messages (whole mailbox): newest first, $top default 10 (max
//   1000), $skip paging through @odata.nextLink, $select;
//   messages/{id}, messages/{id}/$value (the MIME content), PATCH (isRead, flag), DELETE, move;
//   POST mailFolders/{id}/messages and POST messages (→ Drafts): a JSON message resource, or
//   MIME as base64 text with Content-Type: text/plain (create-message "MIME format");
//   attachments list/get/$value and POST (small files). Folders (list, create, rename,
//   delete): folders.ts; delta and upload sessions: delta.ts, upload-sessions.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { parseMime } from "../../data/mime";
import { badRequest, GraphError, invalidRequest, itemNotFound } from "../errors";
import { parseAttachmentId } from "../ids";
import { graphBase, GRAPH_PATH, linkWith, select, skip, top, type Query } from "../odata";
import { PERMISSIONS } from "../scopes";
import { addAttachment, composeInputFrom, renderMime } from "./compose";
import { folderOr404, mailboxOf, type MailRoute } from "./context";
import { registerDelta } from "./delta";
import { registerFolders } from "./folders";
import { attachmentResource, attachmentsOf, messageResource } from "./format";
import type { Folder, MessageState, MsMailbox } from "./mailbox";
import { registerUploadSessions } from "./upload-sessions";

/** Exchange's limit for a message created with a single request (4 MB as JSON/MIME payload). */
const MAX_CREATE_BYTES = 4 * 1024 * 1024;
const UPLOAD_BODY_LIMIT = 40 * 1024 * 1024;

export function registerMail(app: FastifyInstance, ctx: SandboxContext): void {
  const route: MailRoute = (method, suffix, handler, opts = {}) => {
    for (const prefix of [`${GRAPH_PATH}/users/:uid`, `${GRAPH_PATH}/me`]) app.route({ method, url: `${prefix}${suffix}`, handler, ...opts });
  };

  const messagePage = async (req: FastifyRequest, mb: MsMailbox, folderKey?: string) => {
    const q = req.query as Query;
    const size = top(q, 10, 1000);
    const from = skip(q);
    const fields = select(q);
    // Newest first (receivedDateTime desc, Graph's default order for messages).
    const all = [...mb.list(folderKey)].sort((a, b) => b.receivedAt - a.receivedAt || b.index - a.index);
    const page = all.slice(from, from + size);
    const value = [];
    for (const m of page) value.push(messageResource(mb, m, (await mb.raw(m.id)) ?? Buffer.alloc(0), fields));
    return {
      "@odata.context": `${graphBase(req)}/$metadata#users('${mb.plan.email}')/messages`,
      ...(from + size < all.length ? { "@odata.nextLink": linkWith(req, { $skip: String(from + size) }) } : {}),
      value,
    };
  };
  route("GET", "/mailFolders/:fid/messages", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailRead);
    return messagePage(req, mb, folderOr404(mb, (req.params as { fid: string }).fid).key);
  });
  route("GET", "/messages", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailRead);
    return messagePage(req, mb);
  });

  const message = (mb: MsMailbox, req: FastifyRequest): MessageState => {
    const m = mb.get((req.params as { mid: string }).mid);
    if (!m) throw itemNotFound();
    return m;
  };

  route("GET", "/messages/:mid", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailRead);
    const m = message(mb, req);
    return { "@odata.context": `${graphBase(req)}/$metadata#users('${mb.plan.email}')/messages/$entity`, ...messageResource(mb, m, (await mb.raw(m.id)) ?? Buffer.alloc(0), select(req.query as Query)) };
  });

  // message: get MIME content — the RFC 822 bytes exactly as stored.
  route("GET", "/messages/:mid/$value", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailReadBody);
    const raw = await mb.raw(message(mb, req).id);
    if (!raw) throw itemNotFound();
    return reply.type("text/plain").send(raw);
  });

  route("PATCH", "/messages/:mid", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailWrite);
    const m = message(mb, req);
    const body = (req.body ?? {}) as { isRead?: unknown; flag?: { flagStatus?: unknown } };
    const change: { isRead?: boolean; flagged?: boolean } = {};
    if (typeof body.isRead === "boolean") change.isRead = body.isRead;
    if (body.flag && typeof body.flag.flagStatus === "string") change.flagged = body.flag.flagStatus === "flagged";
    const after = mb.update(m.id, change) ?? m;
    return messageResource(mb, after, (await mb.raw(after.id)) ?? Buffer.alloc(0));
  });

  route("DELETE", "/messages/:mid", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailWrite);
    mb.delete(message(mb, req).id);
    return reply.code(204).send();
  });

  route("POST", "/messages/:mid/move", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailWrite);
    const m = message(mb, req);
    const dest = (req.body as { destinationId?: unknown } | undefined)?.destinationId;
    if (typeof dest !== "string") throw invalidRequest("The destinationId parameter is required.");
    const after = mb.move(m.id, folderOr404(mb, dest).key) ?? m;
    return reply.code(201).send(messageResource(mb, after, (await mb.raw(after.id)) ?? Buffer.alloc(0)));
  });

  // Create: JSON message resource, or MIME base64-encoded in a text/plain body.
  const create = (folderFrom: (mb: MsMailbox, req: FastifyRequest) => Folder) => async (req: FastifyRequest, reply: FastifyReply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailWrite);
    const folder = folderFrom(mb, req);
    const type = String(req.headers["content-type"] ?? "").toLowerCase();
    let created: MessageState;
    if (type.startsWith("text/plain")) {
      const text = Buffer.isBuffer(req.body) ? req.body.toString("latin1") : typeof req.body === "string" ? req.body : "";
      const compact = text.replace(/\s+/g, "");
      if (!compact || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new GraphError(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
      const raw = Buffer.from(compact, "base64");
      if (raw.length > MAX_CREATE_BYTES) throw new GraphError(413, "ErrorRequestEntityTooLarge", "The request is too large.");
      const root = parseMime(raw);
      if (!root.headers.length) throw new GraphError(400, "ErrorMimeContentInvalid", "The MIME content is invalid.");
      const date = Date.parse(root.headers.find((h) => h.name.toLowerCase() === "date")?.value ?? "");
      created = mb.insert(raw, folder.key, { receivedAt: Number.isNaN(date) ? undefined : date, isDraft: true, isRead: true });
    } else {
      const json = (req.body && typeof req.body === "object" && !Buffer.isBuffer(req.body) ? req.body : {}) as Record<string, unknown>;
      const received = typeof json.receivedDateTime === "string" ? Date.parse(json.receivedDateTime) : NaN;
      // Restores clear the draft bit with PR_MESSAGE_FLAGS (0x0E07) = 1 (MSGFLAG_READ, not unsent).
      const props = Array.isArray(json.singleValueExtendedProperties) ? (json.singleValueExtendedProperties as { id?: unknown; value?: unknown }[]) : [];
      const flags = props.find((p) => typeof p.id === "string" && /^integer 0x0e07$/i.test(p.id));
      const isDraft = flags ? (Number(flags.value) & 8) !== 0 : true;
      const source = composeInputFrom(json, Number.isNaN(received) ? Date.now() : received);
      created = mb.insert(renderMime(source), folder.key, { receivedAt: Number.isNaN(received) ? undefined : received, isDraft, isRead: typeof json.isRead === "boolean" ? json.isRead : true });
      mb.composed.set(created.id, source);
    }
    const raw = (await mb.raw(created.id)) ?? Buffer.alloc(0);
    return reply.code(201).send({ "@odata.context": `${graphBase(req)}/$metadata#users('${mb.plan.email}')/messages/$entity`, ...messageResource(mb, created, raw) });
  };
  route("POST", "/mailFolders/:fid/messages", create((mb, req) => folderOr404(mb, (req.params as { fid: string }).fid)), { bodyLimit: UPLOAD_BODY_LIMIT });
  route("POST", "/messages", create((mb) => folderOr404(mb, "drafts")), { bodyLimit: UPLOAD_BODY_LIMIT });

  // Attachments: the MIME parts with a filename, as fileAttachment resources.
  route("GET", "/messages/:mid/attachments", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailReadBody);
    const m = message(mb, req);
    const parts = attachmentsOf(parseMime((await mb.raw(m.id)) ?? Buffer.alloc(0)));
    return { "@odata.context": `${graphBase(req)}/$metadata#users('${mb.plan.email}')/messages('${m.id}')/attachments`, value: parts.map((p) => attachmentResource(m, p, true)) };
  });
  const attachment = async (mb: MsMailbox, req: FastifyRequest) => {
    const m = message(mb, req);
    const ref = parseAttachmentId((req.params as { aid: string }).aid);
    const part = ref?.messageId === m.id ? attachmentsOf(parseMime((await mb.raw(m.id)) ?? Buffer.alloc(0))).find((p) => p.partId === ref.partId) : undefined;
    if (!part) throw itemNotFound();
    return { m, part };
  };
  route("GET", "/messages/:mid/attachments/:aid", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailReadBody);
    const { m, part } = await attachment(mb, req);
    return { "@odata.context": `${graphBase(req)}/$metadata#users('${mb.plan.email}')/messages('${m.id}')/attachments/$entity`, ...attachmentResource(m, part, true) };
  });
  route("GET", "/messages/:mid/attachments/:aid/$value", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailReadBody);
    const { part } = await attachment(mb, req);
    return reply.type(part.node.mimeType).send(part.node.body);
  });
  // Small attachments (< 3 MB) in one request, contentBytes base64.
  route(
    "POST",
    "/messages/:mid/attachments",
    async (req, reply) => {
      const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailWrite);
      const m = message(mb, req);
      const body = (req.body ?? {}) as { "@odata.type"?: unknown; name?: unknown; contentType?: unknown; contentBytes?: unknown; isInline?: unknown; contentId?: unknown };
      if (body["@odata.type"] !== "#microsoft.graph.fileAttachment") throw badRequest("Only #microsoft.graph.fileAttachment is emulated.");
      if (typeof body.name !== "string" || typeof body.contentBytes !== "string") throw invalidRequest("name and contentBytes are required.");
      const after = addAttachment(mb, m, { name: body.name, contentType: typeof body.contentType === "string" ? body.contentType : "application/octet-stream", bytes: Buffer.from(body.contentBytes, "base64"), isInline: body.isInline === true, ...(typeof body.contentId === "string" ? { contentId: body.contentId } : {}) });
      const parts = attachmentsOf(parseMime((await mb.raw(after.id)) ?? Buffer.alloc(0)));
      const last = parts[parts.length - 1];
      if (!last) throw new GraphError(500, "InternalServerError", "attachment was not stored");
      return reply.code(201).send(attachmentResource(after, last, false));
    },
    { bodyLimit: UPLOAD_BODY_LIMIT },
  );

  registerFolders(route, ctx);
  registerDelta(route, ctx);
  registerUploadSessions(app, route, ctx);
}
