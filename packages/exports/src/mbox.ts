// mboxrd (RFC 4155 and the mboxrd convention it describes): each message starts with a
// `From <sender> <asctime date>` line; every body line that matches /^>*From / gains one more `>`
// so a reader can tell it from a separator and undo the quoting exactly; each message ends with
// a newline and one empty line. The message bytes are otherwise untouched (CRLF stays CRLF).
const GT = 0x3e;
const NL = 0x0a;
const FROM_SPACE = new TextEncoder().encode("From ");
const F = 0x46;

/**
 * Quotes `^>*From ` lines of a message streamed in pieces, in constant memory: a line start that
 * cannot be decided yet (a piece ending in `>>Fro`) is held as a count of `>` plus at most four
 * bytes of `From`.
 */
export class MboxrdQuoter {
  #atLineStart = true;
  /** In an undecided line start: how many `>` were seen, and how much of "From " matched since. */
  #gts = 0;
  #matched = 0;
  #pending = false;
  #lastByte = NL;

  /**
   * The quoted form of `chunk` as views of it, split only where a `>` goes in (no copy of the
   * message's bytes); may hold back a few bytes of an undecided line start until the next call.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const parts: Uint8Array[] = [];
    let copyFrom = 0;
    const flushPrefix = (quote: boolean) => {
      const prefix = new Uint8Array((quote ? 1 : 0) + this.#gts + this.#matched);
      prefix.fill(GT, 0, prefix.length - this.#matched);
      prefix.set(FROM_SPACE.subarray(0, this.#matched), prefix.length - this.#matched);
      parts.push(prefix);
      this.#gts = 0;
      this.#matched = 0;
      this.#pending = false;
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (!this.#atLineStart) {
        if (b === NL) this.#atLineStart = true;
        continue;
      }
      if (!this.#pending && b !== GT && b !== F) {
        // Most lines: decided by their first byte, copied through without a split.
        this.#atLineStart = b === NL;
        continue;
      }
      // In an undecided line start: its bytes are held back, not copied through.
      if (!this.#pending) {
        if (i > copyFrom) parts.push(chunk.subarray(copyFrom, i));
        this.#pending = true;
      }
      if (this.#matched === 0 && b === GT) {
        this.#gts++;
      } else if (b === FROM_SPACE[this.#matched]) {
        this.#matched++;
        if (this.#matched === FROM_SPACE.length) {
          flushPrefix(true);
          this.#atLineStart = false;
          copyFrom = i + 1;
        }
      } else {
        flushPrefix(false);
        this.#atLineStart = b === NL;
        copyFrom = i;
      }
    }
    if (!this.#pending && copyFrom < chunk.length) parts.push(chunk.subarray(copyFrom));
    if (chunk.length > 0) this.#lastByte = chunk[chunk.length - 1] as number;
    return parts;
  }

  /** What is still held back, and the newline that ends the message if it had none. */
  end(): Uint8Array {
    const parts: Uint8Array[] = [];
    if (this.#pending) {
      const prefix = new Uint8Array(this.#gts + this.#matched);
      prefix.fill(GT, 0, this.#gts);
      prefix.set(FROM_SPACE.subarray(0, this.#matched), this.#gts);
      parts.push(prefix);
      this.#pending = false;
    }
    if (this.#lastByte !== NL) parts.push(Uint8Array.of(NL));
    return concat(parts);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A message's quoted bytes, piece by piece, ending with its newline and the blank separator line. */
export async function* mboxrdMessage(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const q = new MboxrdQuoter();
  for await (const chunk of body) for (const part of q.push(chunk)) if (part.length > 0) yield part;
  const tail = q.end();
  yield concat([tail, Uint8Array.of(NL)]);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** asctime(3) form in UTC, as the From_ line wants: `Sat Jan  3 01:05:34 1996`. */
export function asctime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The addr-spec of a From header value (`"Ann" <ann@x.org>` → ann@x.org); MAILER-DAEMON when there is none. */
export function envelopeSender(from: unknown): string {
  if (typeof from !== "string") return "MAILER-DAEMON";
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(from);
  const bare = /([^\s<>"(),;:]+@[^\s<>"(),;:]+)/.exec(from);
  const addr = angle?.[1] ?? bare?.[1];
  return addr ?? "MAILER-DAEMON";
}

/** The From_ line of a message: sender from its metadata, date from its Date/received time. */
export function fromLine(metadata: Record<string, unknown>, modifiedAt: string | undefined): string {
  const candidates = [metadata.receivedDateTime, metadata.date, metadata.sentDateTime, modifiedAt];
  let when = new Date(0);
  for (const c of candidates) {
    if (typeof c !== "string") continue;
    const d = new Date(c);
    if (!Number.isNaN(d.getTime())) {
      when = d;
      break;
    }
  }
  return `From ${envelopeSender(metadata.from)} ${asctime(when)}\n`;
}

/** Splits an mboxrd file back into its messages, unquoting `>From` lines (for tests and tools). */
export function parseMboxrd(text: Buffer): { fromLine: string; message: Buffer }[] {
  const out: { fromLine: string; message: Buffer }[] = [];
  const s = text.toString("latin1"); // byte-preserving
  const starts: number[] = [];
  if (s.startsWith("From ")) starts.push(0);
  for (let i = s.indexOf("\n\nFrom "); i >= 0; i = s.indexOf("\n\nFrom ", i + 1)) starts.push(i + 2);
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k] as number;
    const end = k + 1 < starts.length ? (starts[k + 1] as number) - 1 : s.length;
    const eol = s.indexOf("\n", start);
    // The blank line before the next From_ line is the separator; after the last message, so is the final newline.
    const body = k + 1 < starts.length ? s.slice(eol + 1, end) : s.slice(eol + 1, end).replace(/\n$/, "");
    const unquoted = body.replace(/^>(>*From )/gm, "$1");
    out.push({ fromLine: s.slice(start, eol), message: Buffer.from(unquoted, "latin1") });
  }
  return out;
}
