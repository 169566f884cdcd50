// Resumable upload sessions, as Outlook (large attachments) and OneDrive / SharePoint
// (driveItem: createUploadSession) both run them: the create call returns a pre-authenticated
// `uploadUrl` (an opaque token in its query — Authorization is neither needed nor checked, the
// Graph client adds one anyway for custom hosts); the client PUTs the bytes in order, each slice
// with `Content-Range: bytes a-b/size`; a slice that does not start where the session expects
// or whose length differs from its range → 416; DELETE cancels; an idle session expires.
// What each service answers per slice differs (Outlook's PascalCase 200, OneDrive's 202), so
// callers shape the responses; this module keeps the sessions and checks the ranges.
import { randomBytes } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { baseUrl } from "../http/base-url";
import { GraphError, invalidRequest } from "./errors";

export interface UploadSession<M> {
  id: string;
  secret: string;
  meta: M;
  size: number;
  chunks: Buffer[];
  received: number;
  expiresAt: number;
}

export type SliceResult = { done: false; next: number } | { done: true; bytes: Buffer };

export class UploadSessionStore<M> {
  private readonly sessions = new Map<string, UploadSession<M>>();

  constructor(
    /** Where the sessions' upload URLs live (`{path}/{id}?{tokenParam}=…`). */
    readonly path: string,
    private readonly tokenParam: string,
    private readonly ttlMs: number,
    /** A check per slice before it is accepted (e.g. OneDrive's 320 KiB multiples). */
    private readonly checkSlice?: (s: UploadSession<M>, start: number, length: number) => void,
  ) {}

  create(meta: M, size: number): UploadSession<M> {
    const now = Date.now();
    for (const [k, s] of this.sessions) if (s.expiresAt < now) this.sessions.delete(k);
    const session: UploadSession<M> = { id: randomBytes(16).toString("hex"), secret: randomBytes(24).toString("base64url"), meta, size, chunks: [], received: 0, expiresAt: now + this.ttlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  url(req: FastifyRequest, s: UploadSession<M>): string {
    return `${baseUrl(req)}${this.path}/${s.id}?${this.tokenParam}=${s.secret}`;
  }

  /** The session an upload URL names; 401 for a wrong token, 404 once it expired. */
  of(req: FastifyRequest): UploadSession<M> {
    const s = this.sessions.get((req.params as { sid: string }).sid);
    const token = (req.query as Record<string, string | undefined>)[this.tokenParam];
    if (!s || token !== s.secret) throw new GraphError(401, "InvalidAuthenticationToken", "The upload session token is invalid or has expired.");
    if (s.expiresAt < Date.now()) {
      this.sessions.delete(s.id);
      throw new GraphError(404, "itemNotFound", "The upload session has expired.");
    }
    return s;
  }

  cancel(s: UploadSession<M>): void {
    this.sessions.delete(s.id);
  }

  /** Accepts one slice; the last one ends the session and hands back the whole content. */
  accept(s: UploadSession<M>, contentRange: string | undefined, body: unknown, rangeError: (message: string) => GraphError): SliceResult {
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(contentRange ?? "").trim());
    if (!range) throw invalidRequest("The Content-Range header is missing or malformed.");
    const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (total !== s.size) throw invalidRequest(`The total size ${total} does not match the session's size ${s.size}.`);
    if (start !== s.received || end < start || end >= s.size) throw rangeError(`The uploaded fragment bytes ${start}-${end} do not start at the next expected byte ${s.received}.`);
    if (bytes.length !== end - start + 1) throw rangeError(`The fragment is ${bytes.length} bytes, but its Content-Range names ${end - start + 1}.`);
    this.checkSlice?.(s, start, bytes.length);
    s.chunks.push(bytes);
    s.received += bytes.length;
    s.expiresAt = Date.now() + this.ttlMs;
    if (s.received < s.size) return { done: false, next: s.received };
    this.sessions.delete(s.id);
    return { done: true, bytes: Buffer.concat(s.chunks) };
  }
}
