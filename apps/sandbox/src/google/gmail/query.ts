// messages.list filtering: `labelIds` (a message must carry every one), `includeSpamTrash`
// (SPAM and TRASH are left out unless asked for, explicitly or by this flag) and a minimal
// subset of Gmail's search operators (https://support.google.com/mail/answer/7190) that work on
// labels and dates. Operators that need the message text are refused with 400 rather than
// silently ignored, so a test never passes on a filter the sandbox did not apply.
import type { GmailLabel } from "./labels";
import type { MessageMeta } from "./mailbox";

export class QueryError extends Error {}

type Predicate = (m: MessageMeta) => boolean;

const IN_ALIASES: Record<string, string> = { inbox: "INBOX", spam: "SPAM", trash: "TRASH", sent: "SENT", draft: "DRAFT", drafts: "DRAFT", starred: "STARRED", important: "IMPORTANT", chats: "CHAT" };
const IS_ALIASES: Record<string, string> = { unread: "UNREAD", starred: "STARRED", important: "IMPORTANT" };
const CATEGORY: Record<string, string> = { primary: "CATEGORY_PERSONAL", social: "CATEGORY_SOCIAL", promotions: "CATEGORY_PROMOTIONS", updates: "CATEGORY_UPDATES", forums: "CATEGORY_FORUMS" };

function tokenize(q: string): string[] {
  return [...q.matchAll(/-?[a-zA-Z_]+:"[^"]*"|"[^"]*"|\S+/g)].map((m) => m[0]);
}

function parseDate(v: string): number {
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(v);
  // Gmail interprets dates at midnight PST; the sandbox uses UTC (documented gap).
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  throw new QueryError(`Invalid date in query: ${v}`);
}

export interface ListFilter {
  labelIds: string[];
  q?: string;
  includeSpamTrash: boolean;
}

/** A filter; `rfc822msgid` is set when the query asks for a Message-ID, which needs the raw header. */
export type MessageFilter = Predicate & { rfc822msgid?: string };

/** The Message-ID header of a raw message, without angle brackets (case kept). */
export function messageIdOf(raw: Buffer): string | undefined {
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 65536) : end).toString("latin1").replace(/\r?\n[ \t]+/g, " ");
  // `<id>` may be followed by a comment, e.g. `<3CFB1EED@> (added by postmaster@wanadoo.fr)`.
  const m = /^message-id:\s*(?:<([^>\r\n]+)>|(\S+))/im.exec(head);
  return (m?.[1] ?? m?.[2])?.trim();
}

export function buildFilter(f: ListFilter, userLabels: GmailLabel[]): MessageFilter {
  const preds: Predicate[] = [];
  let rfc822msgid: string | undefined;
  let wantsSpamTrash = f.includeSpamTrash || f.labelIds.includes("SPAM") || f.labelIds.includes("TRASH");
  for (const l of f.labelIds) preds.push((m) => m.labelIds.includes(l));
  const labelByName = (name: string): string => {
    const norm = (s: string) => s.toLowerCase().replace(/[\s/]+/g, "-");
    const hit = userLabels.find((l) => norm(l.name) === norm(name) || l.id === name);
    if (hit) return hit.id;
    const sys = name.toUpperCase();
    return IN_ALIASES[name.toLowerCase()] ?? sys;
  };
  for (const raw of tokenize(f.q ?? "")) {
    const negate = raw.startsWith("-");
    const term = negate ? raw.slice(1) : raw;
    const colon = term.indexOf(":");
    if (colon === -1) throw new QueryError(`Free-text search is not supported by the sandbox: ${raw}`);
    const op = term.slice(0, colon).toLowerCase();
    const val = term.slice(colon + 1).replace(/^"|"$/g, "");
    let p: Predicate;
    switch (op) {
      case "in":
        if (val.toLowerCase() === "anywhere") {
          wantsSpamTrash = true;
          continue;
        }
        p = ((label) => (m: MessageMeta) => m.labelIds.includes(label))(IN_ALIASES[val.toLowerCase()] ?? labelByName(val));
        if (["spam", "trash"].includes(val.toLowerCase()) && !negate) wantsSpamTrash = true;
        break;
      case "label":
        p = ((label) => (m: MessageMeta) => m.labelIds.includes(label))(labelByName(val));
        break;
      case "is": {
        const v = val.toLowerCase();
        if (v === "read") p = (m) => !m.labelIds.includes("UNREAD");
        else if (IS_ALIASES[v]) p = ((label) => (m: MessageMeta) => m.labelIds.includes(label))(IS_ALIASES[v]);
        else throw new QueryError(`Unsupported by the sandbox: is:${val}`);
        break;
      }
      case "rfc822msgid":
        // Gmail's exact Message-ID search (with or without angle brackets); the route checks the
        // raw header, since it is not part of the message's metadata here.
        if (negate) throw new QueryError("Unsupported by the sandbox: -rfc822msgid:");
        rfc822msgid = val.replace(/^<|>$/g, "");
        continue;
      case "category": {
        const label = CATEGORY[val.toLowerCase()];
        if (!label) throw new QueryError(`Unknown category: ${val}`);
        p = (m) => m.labelIds.includes(label);
        break;
      }
      case "after": {
        const t = parseDate(val);
        p = (m) => m.internalDate >= t;
        break;
      }
      case "before": {
        const t = parseDate(val);
        p = (m) => m.internalDate < t;
        break;
      }
      default:
        throw new QueryError(`Search operator not supported by the sandbox: ${op}:`);
    }
    preds.push(negate ? (m) => !p(m) : p);
  }
  if (!wantsSpamTrash) preds.push((m) => !m.labelIds.includes("SPAM") && !m.labelIds.includes("TRASH"));
  const filter: MessageFilter = (m) => preds.every((p) => p(m));
  if (rfc822msgid !== undefined) filter.rfc822msgid = rfc822msgid;
  return filter;
}
