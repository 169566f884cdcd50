// message: delta (https://learn.microsoft.com/graph/api/message-delta) for one folder:
//   GET …/mailFolders/{id}/messages/delta
// - The first round returns every message in the folder, page by page: each page but the last
//   has an absolute `@odata.nextLink` (state in `$skiptoken`), the last an `@odata.deltaLink`
//   (`$deltatoken`). Later rounds from a deltaLink return messages added or changed since, and
//   `{ "id", "@removed": { "reason": "deleted" } }` for messages deleted or moved out.
// - Page size: `Prefer: odata.maxpagesize=N` (answered with Preference-Applied), else `$top`
//   on the first request, else 10; `$select` is kept in the tokens like Graph does.
// - A token older than the mailbox's retained changes (or expired through the control API)
//   answers 410 Gone with code `syncStateNotFound`: the client drops its state and starts over
//   (delta-query-overview, "Handling 410 Gone").
// Items touched again after a round started are left to the next round, so no change is lost.
import type { FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { decodePageToken, encodePageToken } from "../../data/encoding";
import { badRequest, GraphError } from "../errors";
import { graphBase, maxPageSize, one, select, type Query } from "../odata";
import { PERMISSIONS } from "../scopes";
import { messageResource } from "./format";
import { folderOr404, mailboxOf, type MailRoute } from "./context";

/** Full round: `a` = last index sent. Change round: `s` since, `c` = last change sequence sent. */
interface DeltaState {
  f: string;
  u: number;
  a?: number;
  s?: number;
  c?: number;
  n: number;
  sel?: string[];
}

const isState = (v: unknown): v is DeltaState => {
  const s = v as Partial<DeltaState> | null;
  return typeof s?.f === "string" && typeof s.u === "number" && typeof s.n === "number";
};

export const syncStateNotFound = () => new GraphError(410, "syncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again.");

export function registerDelta(route: MailRoute, ctx: SandboxContext): void {
  route("GET", "/mailFolders/:fid/messages/delta", async (req, reply) => {
    const { mb } = mailboxOf(ctx, req, reply, PERMISSIONS.mailRead);
    const folder = folderOr404(mb, (req.params as { fid: string }).fid);
    const q = req.query as Query;
    const skipToken = one(q, "$skiptoken");
    const deltaToken = one(q, "$deltatoken");
    const preferred = maxPageSize(req);
    const decode = (t: string) => {
      const s = decodePageToken(t, isState);
      if (!s || s.f !== folder.id) throw badRequest("Invalid state token.");
      return s;
    };
    let state: DeltaState;
    if (skipToken) state = decode(skipToken);
    else if (deltaToken) {
      const d = decode(deltaToken);
      // A new change round: changes in (since, now].
      state = { f: folder.id, s: d.u, c: d.u, u: mb.seq, n: d.n, ...(d.sel ? { sel: d.sel } : {}) };
    } else {
      const topRaw = one(q, "$top");
      const sel = select(q);
      state = { f: folder.id, a: -1, u: mb.seq, n: Math.min(Math.max(Number(topRaw ?? 10) || 10, 1), 1000), ...(sel ? { sel } : {}) };
    }
    const size = preferred ? Math.min(Math.max(preferred, 1), 1000) : state.n;
    if (preferred) void reply.header("preference-applied", `odata.maxpagesize=${size}`);
    if (!mb.answerable(state.s ?? state.u)) throw syncStateNotFound();

    const value: Record<string, unknown>[] = [];
    let more = false;
    if (state.a !== undefined) {
      for (const m of mb.list(folder.key, state.a)) {
        if (value.length === size) {
          more = true;
          break;
        }
        value.push({ "@odata.type": "#microsoft.graph.message", ...messageResource(mb, m, (await mb.raw(m.id)) ?? Buffer.alloc(0), state.sel) });
        state.a = m.index;
      }
    } else {
      const entries = mb.changes(folder.key, state.s ?? 0, state.u, state.c ?? 0);
      if (!entries) throw syncStateNotFound();
      for (const e of entries) {
        if (value.length === size) {
          more = true;
          break;
        }
        if (e.message) value.push({ "@odata.type": "#microsoft.graph.message", ...messageResource(mb, e.message, (await mb.raw(e.message.id)) ?? Buffer.alloc(0), state.sel) });
        else value.push({ "@odata.type": "#microsoft.graph.message", id: e.removedId, "@removed": { reason: "deleted" } });
        state.c = e.seq;
      }
    }
    const link = linkFor(req, folder.id);
    return {
      "@odata.context": `${graphBase(req)}/$metadata#Collection(message)`,
      ...(more ? { "@odata.nextLink": link("$skiptoken", state) } : { "@odata.deltaLink": link("$deltatoken", { f: folder.id, u: state.u, n: state.n, ...(state.sel ? { sel: state.sel } : {}) }) }),
      value,
    };
  });
}

function linkFor(req: FastifyRequest, folderId: string) {
  const user = (req.params as { uid?: string }).uid;
  const base = `${graphBase(req)}${user ? `/users/${encodeURIComponent(user)}` : "/me"}/mailFolders/${encodeURIComponent(folderId)}/messages/delta`;
  return (name: "$skiptoken" | "$deltatoken", state: DeltaState) => `${base}?${name}=${encodePageToken(state)}`;
}
