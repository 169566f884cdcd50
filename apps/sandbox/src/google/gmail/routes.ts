// Gmail API v1 (https://developers.google.com/gmail/api/reference/rest) at its real paths,
// /gmail/v1/… and the media-upload twin /upload/gmail/v1/… (mounted at the root and under /google).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { decodePageToken, encodePageToken } from "../../data/encoding";
import { headerValue, parseHeaders } from "../../data/mime";
import { authenticate, mailboxOwner } from "../auth";
import { forbidden, GoogleApiError, invalidArgument, notFound } from "../errors";
import { METHOD_SCOPES, metadataOnly, SCOPES } from "../scopes";
import { attachmentBody, attachmentId, formatMessage, parseAttachmentId, type MessageFormat } from "./format";
import { LABEL_LIST_VISIBILITY, LabelError, MESSAGE_LIST_VISIBILITY, SYSTEM_LABEL_IDS, SYSTEM_LABELS, type GmailLabel, type LabelInput } from "./labels";
import type { HistoryRecord, HistoryType, Mailbox } from "./mailbox";
import { buildFilter, messageIdOf, QueryError } from "./query";
import type { GmailMethod } from "./quota";
import { readUpload } from "./upload";

const API = "/gmail/v1/users/:userId";
const UPLOAD = "/upload/gmail/v1/users/:userId";
/** Gmail's documented maximum message size for uploads. */
const MAX_MESSAGE_BYTES = 35 * 1024 * 1024;
const UPLOAD_BODY_LIMIT = 50 * 1024 * 1024;

type Query = Record<string, string | string[] | undefined>;

// users.labels.create/update/patch/delete take the modify-level scopes or gmail.labels;
// labels.get also the read-only ones (Gmail reference, "Authorization scopes").
const LABEL_WRITE_SCOPES = [SCOPES.mail, SCOPES.gmailModify, SCOPES.gmailLabels];
const LABEL_READ_SCOPES = METHOD_SCOPES.labelsList;
/** Gmail's documented limit on a mailbox's labels. */
const MAX_LABELS = 10_000;

/** The Label resource body of labels.create/update/patch; unknown enum values → 400. */
function labelInput(body: unknown, requireName: boolean): LabelInput {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const out: LabelInput = {};
  if (b.name !== undefined || requireName) {
    if (typeof b.name !== "string" || b.name.trim() === "") throw invalidArgument("Invalid label name");
    if (b.name.length > 225) throw invalidArgument("Invalid label name: too long");
    out.name = b.name;
  }
  if (b.messageListVisibility !== undefined) {
    const v = b.messageListVisibility;
    if (!MESSAGE_LIST_VISIBILITY.includes(v as never)) throw invalidArgument(`Invalid value at 'label.message_list_visibility' (${JSON.stringify(v)})`);
    out.messageListVisibility = v as LabelInput["messageListVisibility"];
  }
  if (b.labelListVisibility !== undefined) {
    const v = b.labelListVisibility;
    if (!LABEL_LIST_VISIBILITY.includes(v as never)) throw invalidArgument(`Invalid value at 'label.label_list_visibility' (${JSON.stringify(v)})`);
    out.labelListVisibility = v as LabelInput["labelListVisibility"];
  }
  return out;
}

function labelOp<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    // Gmail answers a duplicate name with 409 ABORTED "Label name exists or conflicts".
    if (err instanceof LabelError) throw new GoogleApiError(409, err.message, "aborted", "ABORTED");
    throw err;
  }
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
function bool(v: string | string[] | undefined): boolean {
  return one(v) === "true";
}
function pageSize(v: string | string[] | undefined, def: number, max: number): number {
  const n = Number(one(v) ?? def);
  if (!Number.isInteger(n) || n < 0) throw invalidArgument(`Invalid maxResults: ${one(v)}`);
  // Gmail silently caps maxResults at the maximum; 0 means the default.
  return n === 0 ? def : Math.min(n, max);
}

export function registerGmail(app: FastifyInstance, ctx: SandboxContext): void {
  const caller = (req: FastifyRequest, reply: FastifyReply, scopes: readonly string[], method: GmailMethod) => {
    const c = authenticate(ctx, req, reply, scopes);
    const user = mailboxOwner(c, (req.params as { userId: string }).userId);
    const charge = c.tenant.gmailQuota.charge(user.id, method);
    if (!charge.ok) {
      void reply.header("retry-after", String(charge.retryAfter));
      const at = new Date(Date.now() + charge.retryAfter * 1000).toISOString();
      throw new GoogleApiError(429, `User-rate limit exceeded.  Retry after ${at}`, "userRateLimitExceeded", "RESOURCE_EXHAUSTED", { domain: "usageLimits" });
    }
    return { c, user, mb: c.tenant.mailbox(user) };
  };

  // users.getProfile
  app.get(`${API}/profile`, async (req, reply) => {
    const { mb, user } = caller(req, reply, METHOD_SCOPES.getProfile, "getProfile");
    return { emailAddress: user.email, messagesTotal: mb.size, threadsTotal: mb.size, historyId: String(mb.historyId) };
  });

  // users.labels.list
  app.get(`${API}/labels`, async (req, reply) => {
    const { mb } = caller(req, reply, METHOD_SCOPES.labelsList, "labels.list");
    return { labels: [...SYSTEM_LABELS, ...mb.labels] };
  });

  // users.labels.get: the label with its message counts (threads are single messages here).
  app.get(`${API}/labels/:id`, async (req, reply) => {
    const { mb } = caller(req, reply, LABEL_READ_SCOPES, "labels.get");
    const label = mb.label((req.params as { id: string }).id);
    if (!label) throw notFound();
    const counts = mb.labelCounts(label.id);
    return { ...label, ...counts, threadsTotal: counts.messagesTotal, threadsUnread: counts.messagesUnread };
  });

  // users.labels.create: a user label "Label_<n>"; name unique ignoring case (409 otherwise).
  app.post(`${API}/labels`, async (req, reply) => {
    const { mb } = caller(req, reply, LABEL_WRITE_SCOPES, "labels.create");
    const input = labelInput(req.body, true) as LabelInput & { name: string };
    if (mb.labels.length >= MAX_LABELS) throw new GoogleApiError(400, "Too many labels", "failedPrecondition", "FAILED_PRECONDITION");
    return labelOp(() => mb.createLabel(input));
  });

  // users.labels.update (PUT: the whole resource, `name` required) and patch (only given fields).
  // System labels cannot be modified (400 "Invalid update request" in Gmail's words).
  const updateLabel = (method: "labels.update" | "labels.patch") => async (req: FastifyRequest, reply: FastifyReply): Promise<GmailLabel> => {
    const { mb } = caller(req, reply, LABEL_WRITE_SCOPES, method);
    const { id } = req.params as { id: string };
    if (SYSTEM_LABEL_IDS.has(id)) throw invalidArgument("Invalid update request");
    const body = req.body as { id?: unknown } | undefined;
    if (body?.id !== undefined && body.id !== id) throw invalidArgument("Label id in the body does not match the path");
    const input = labelInput(req.body, method === "labels.update");
    const after = labelOp(() => mb.updateLabel(id, input));
    if (!after) throw notFound();
    return after;
  };
  app.put(`${API}/labels/:id`, updateLabel("labels.update"));
  app.patch(`${API}/labels/:id`, updateLabel("labels.patch"));

  // users.labels.delete: removes the label from every message (labelsRemoved history) → 204.
  app.delete(`${API}/labels/:id`, async (req, reply) => {
    const { mb } = caller(req, reply, LABEL_WRITE_SCOPES, "labels.delete");
    const { id } = req.params as { id: string };
    if (SYSTEM_LABEL_IDS.has(id)) throw invalidArgument("Invalid delete request");
    if (!mb.deleteLabel(id)) throw notFound();
    return reply.code(204).send();
  });

  // users.messages.list: newest first; maxResults default 100, max 500.
  app.get(`${API}/messages`, async (req, reply) => {
    const { c, mb } = caller(req, reply, METHOD_SCOPES.messagesList, "messages.list");
    const q = req.query as Query;
    const query = one(q.q);
    if (query && metadataOnly(c.token.scopes)) throw forbidden("Metadata scope does not support 'q' parameter");
    let filter;
    try {
      filter = buildFilter({ labelIds: list(q.labelIds), q: query, includeSpamTrash: bool(q.includeSpamTrash) }, mb.labels);
    } catch (err) {
      if (err instanceof QueryError) throw invalidArgument(err.message);
      throw err;
    }
    const max = pageSize(q.maxResults, 100, 500);
    const token = one(q.pageToken);
    const before = token ? decodePageToken(token, (v): v is { before: string } => typeof (v as { before?: unknown })?.before === "string")?.before : undefined;
    if (token && before === undefined) throw invalidArgument("Invalid pageToken");
    const messages: { id: string; threadId: string }[] = [];
    let more = false;
    for (const m of mb.descending(before)) {
      if (!filter(m)) continue;
      if (filter.rfc822msgid !== undefined) {
        const raw = await mb.raw(m.id);
        if (!raw || messageIdOf(raw) !== filter.rfc822msgid) continue;
      }
      if (messages.length === max) {
        more = true;
        break;
      }
      messages.push({ id: m.id, threadId: m.threadId });
    }
    const last = messages[messages.length - 1];
    return {
      ...(messages.length ? { messages } : {}),
      ...(more && last ? { nextPageToken: encodePageToken({ before: last.id }) } : {}),
      // An estimate, as Gmail's is: exact on the last page, the mailbox size before it.
      resultSizeEstimate: more ? mb.size : messages.length,
    };
  });

  // users.messages.get
  app.get(`${API}/messages/:id`, async (req, reply) => {
    const { c, mb } = caller(req, reply, METHOD_SCOPES.messagesGet, "messages.get");
    const q = req.query as Query;
    const format = (one(q.format) ?? "full") as MessageFormat;
    if (!["minimal", "raw", "metadata", "full"].includes(format)) throw invalidArgument(`Invalid value at 'format' (${format})`);
    if ((format === "raw" || format === "full") && metadataOnly(c.token.scopes)) throw forbidden(`Metadata scope doesn't allow format ${format.toUpperCase()}`);
    const { id } = req.params as { id: string };
    const meta = mb.get(id);
    if (!meta) throw /^[0-9a-f]{16}$/.test(id) ? notFound() : invalidArgument("Invalid id value");
    const raw = await mb.raw(id);
    if (!raw) throw notFound();
    return formatMessage(meta, raw, format, list(q.metadataHeaders));
  });

  // users.messages.attachments.get
  app.get(`${API}/messages/:messageId/attachments/:id`, async (req, reply) => {
    const { mb } = caller(req, reply, METHOD_SCOPES.attachmentsGet, "messages.attachments.get");
    const { messageId, id } = req.params as { messageId: string; id: string };
    const ref = parseAttachmentId(id);
    const raw = await mb.raw(messageId);
    if (!raw) throw notFound();
    if (!ref || ref.messageId !== messageId) throw invalidArgument("Invalid attachment token");
    const body = attachmentBody(raw, ref.partId);
    if (!body) throw notFound();
    return { attachmentId: attachmentId(messageId, ref.partId), ...body };
  });

  // users.messages.delete: immediate, permanent (needs https://mail.google.com/).
  app.delete(`${API}/messages/:id`, async (req, reply) => {
    const { mb } = caller(req, reply, METHOD_SCOPES.messagesDelete, "messages.delete");
    if (!mb.delete((req.params as { id: string }).id)) throw notFound();
    return reply.code(204).send();
  });

  // users.messages.modify
  app.post(`${API}/messages/:id/modify`, async (req, reply) => {
    const { mb } = caller(req, reply, METHOD_SCOPES.messagesModify, "messages.modify");
    const body = (req.body ?? {}) as { addLabelIds?: unknown; removeLabelIds?: unknown };
    const add = Array.isArray(body.addLabelIds) ? body.addLabelIds.map(String) : [];
    const remove = Array.isArray(body.removeLabelIds) ? body.removeLabelIds.map(String) : [];
    checkLabels(mb, [...add, ...remove]);
    const after = mb.modifyLabels((req.params as { id: string }).id, add, remove);
    if (!after) throw notFound();
    return { id: after.id, threadId: after.threadId, labelIds: after.labelIds };
  });

  // users.messages.insert / import: insert stores the message as is (no scanning); import is
  // "like receiving via SMTP". Both default internalDateSource differently (receivedTime for
  // insert, dateHeader for import), per the reference.
  const store = (kind: "insert" | "import", viaUpload: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    const { mb } = caller(req, reply, kind === "insert" ? METHOD_SCOPES.messagesInsert : METHOD_SCOPES.messagesImport, kind === "insert" ? "messages.insert" : "messages.import");
    const q = req.query as Query;
    const upload = readUpload(req, viaUpload);
    if (upload.raw.length === 0) throw invalidArgument("Invalid raw message: empty");
    if (upload.raw.length > MAX_MESSAGE_BYTES) throw new GoogleApiError(413, "Request Entity Too Large", "uploadTooLarge");
    const head = upload.raw.toString("latin1", 0, Math.min(upload.raw.length, 256 * 1024));
    const headers = parseHeaders(head.split(/\r?\n\r?\n/)[0] ?? "");
    if (headers.length === 0) throw invalidArgument("Invalid raw message: no headers");
    checkLabels(mb, upload.labelIds);
    const source = one(q.internalDateSource) ?? (kind === "insert" ? "receivedTime" : "dateHeader");
    if (source !== "receivedTime" && source !== "dateHeader") throw invalidArgument(`Invalid value at 'internal_date_source' (${source})`);
    let internalDate: number | undefined;
    if (source === "dateHeader") {
      const parsed = Date.parse(headerValue(headers, "date") ?? "");
      if (!Number.isNaN(parsed)) internalDate = parsed;
    }
    const m = mb.insert(upload.raw, upload.labelIds, { internalDate, threadId: upload.threadId });
    return { id: m.id, threadId: m.threadId, labelIds: m.labelIds };
  };
  const uploadOpts = { bodyLimit: UPLOAD_BODY_LIMIT };
  app.post(`${API}/messages`, uploadOpts, store("insert", false));
  app.post(`${API}/messages/import`, uploadOpts, store("import", false));
  app.post(`${UPLOAD}/messages`, uploadOpts, store("insert", true));
  app.post(`${UPLOAD}/messages/import`, uploadOpts, store("import", true));

  // users.history.list: records after startHistoryId, oldest first; 404 when it is too old.
  app.get(`${API}/history`, async (req, reply) => {
    const { mb } = caller(req, reply, METHOD_SCOPES.historyList, "history.list");
    const q = req.query as Query;
    const startRaw = one(q.startHistoryId);
    if (!startRaw) throw invalidArgument("Missing required parameter: startHistoryId");
    if (!/^\d+$/.test(startRaw)) throw invalidArgument("Invalid startHistoryId");
    const start = Number(startRaw);
    const max = pageSize(q.maxResults, 100, 500);
    const token = one(q.pageToken);
    const after = token ? decodePageToken(token, (v): v is { after: number } => typeof (v as { after?: unknown })?.after === "number")?.after : undefined;
    if (token && after === undefined) throw invalidArgument("Invalid pageToken");
    const records = mb.historySince(Math.max(start, after ?? start));
    if (!records) throw notFound();
    const types = new Set(list(q.historyTypes) as HistoryType[]);
    const labelId = one(q.labelId);
    const page: HistoryRecord[] = [];
    let more = false;
    for (const r of records) {
      if (types.size && !types.has(r.type)) continue;
      if (labelId && !r.message.labelIds.includes(labelId) && !r.changed?.includes(labelId)) continue;
      if (page.length === max) {
        more = true;
        break;
      }
      page.push(r);
    }
    const last = page[page.length - 1];
    return {
      ...(page.length ? { history: page.map(historyJson) } : {}),
      ...(more && last ? { nextPageToken: encodePageToken({ after: last.id }) } : {}),
      historyId: String(mb.historyId),
    };
  });
}

function checkLabels(mb: Mailbox, labelIds: string[]): void {
  for (const l of labelIds) if (!SYSTEM_LABEL_IDS.has(l) && !mb.labels.some((u) => u.id === l)) throw invalidArgument(`Invalid label: ${l}`);
}

function historyJson(r: HistoryRecord) {
  const message = r.message;
  const ref = { id: message.id, threadId: message.threadId };
  const base = { id: String(r.id), messages: [ref] };
  switch (r.type) {
    case "messageAdded":
      return { ...base, messagesAdded: [{ message }] };
    case "messageDeleted":
      return { ...base, messagesDeleted: [{ message }] };
    case "labelAdded":
      return { ...base, labelsAdded: [{ message, labelIds: r.changed ?? [] }] };
    case "labelRemoved":
      return { ...base, labelsRemoved: [{ message, labelIds: r.changed ?? [] }] };
  }
}
