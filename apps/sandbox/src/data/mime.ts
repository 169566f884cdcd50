// A tolerant MIME (RFC 2045-2049, RFC 2231) structure parser: enough to turn a real-world
// message into the part tree Gmail exposes (format=full) and Graph will expose later. It works
// on "binary strings" (latin1, one char per byte) so every slice maps back to the exact bytes.

export interface MimeHeader {
  name: string;
  value: string;
}

export interface MimeNode {
  headers: MimeHeader[];
  /** Lower-cased `type/subtype`; text/plain when absent (RFC 2045 §5.2). */
  mimeType: string;
  params: Record<string, string>;
  /** From Content-Disposition `filename`, else Content-Type `name`; "" when neither. */
  filename: string;
  disposition: string | undefined;
  /** Transfer-decoded content of a leaf; empty for multiparts. */
  body: Buffer;
  children: MimeNode[];
}

const MAX_DEPTH = 32;

export function parseMime(raw: Buffer): MimeNode {
  return parseEntity(raw.toString("latin1"), "text/plain", 0);
}

function splitHeaderBody(s: string): { head: string; body: string } {
  if (s.startsWith("\r\n")) return { head: "", body: s.slice(2) };
  if (s.startsWith("\n")) return { head: "", body: s.slice(1) };
  const crlf = s.indexOf("\r\n\r\n");
  const lf = s.indexOf("\n\n");
  if (crlf === -1 && lf === -1) return { head: s, body: "" };
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { head: s.slice(0, crlf), body: s.slice(crlf + 4) };
  return { head: s.slice(0, lf), body: s.slice(lf + 2) };
}

/** Unfolds continuation lines (RFC 5322 §2.2.3); lines without a colon are dropped. */
export function parseHeaders(head: string): MimeHeader[] {
  const out: MimeHeader[] = [];
  for (const line of head.split(/\r?\n/)) {
    if ((line.startsWith(" ") || line.startsWith("\t")) && out.length > 0) {
      const last = out[out.length - 1];
      if (last) last.value += line;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    out.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).replace(/^[ \t]+/, "") });
  }
  return out;
}

export function headerValue(headers: MimeHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** `type/subtype; a=b; c="d"` with RFC 2231 continuations and charset'lang'value encoding. */
export function parseStructured(value: string): { value: string; params: Record<string, string> } {
  const parts = splitParams(value);
  const first = (parts.shift() ?? "").trim();
  const simple: Record<string, string> = {};
  const extended = new Map<string, { idx: number; encoded: boolean; text: string }[]>();
  for (const p of parts) {
    const eq = p.indexOf("=");
    if (eq === -1) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let val = p.slice(eq + 1).trim();
    if (val.startsWith('"')) val = val.slice(1, val.endsWith('"') && val.length > 1 ? -1 : undefined).replace(/\\(.)/g, "$1");
    // RFC 2231: name*=charset'lang'pct-encoded, name*0=…, name*1*=…
    const m = /^([^*]+)\*(\d+)?\*?$/.exec(key);
    if (m?.[1]) {
      const name = m[1];
      const idx = m[2] === undefined ? 0 : Number(m[2]);
      const encoded = key.endsWith("*");
      const list = extended.get(name) ?? [];
      list.push({ idx, encoded, text: val });
      extended.set(name, list);
    } else {
      simple[key] = val;
    }
  }
  for (const [name, pieces] of extended) {
    pieces.sort((a, b) => a.idx - b.idx);
    let charset = "us-ascii";
    const bytes: number[] = [];
    pieces.forEach((piece, i) => {
      let text = piece.text;
      if (piece.encoded && i === 0) {
        const m = /^([^']*)'[^']*'(.*)$/.exec(text);
        if (m) {
          charset = m[1] || charset;
          text = m[2] ?? "";
        }
      }
      if (piece.encoded) {
        for (let j = 0; j < text.length; j++) {
          if (text[j] === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(j + 1, j + 3))) {
            bytes.push(parseInt(text.slice(j + 1, j + 3), 16));
            j += 2;
          } else bytes.push(text.charCodeAt(j) & 0xff);
        }
      } else for (let j = 0; j < text.length; j++) bytes.push(text.charCodeAt(j) & 0xff);
    });
    simple[name] = decodeCharset(Buffer.from(bytes), charset);
  }
  return { value: first.toLowerCase(), params: simple };
}

function splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "\\" && quoted) {
      cur += c + (value[i + 1] ?? "");
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if (c === ";" && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export function decodeCharset(bytes: Buffer, charset: string): string {
  const label = charset.trim().toLowerCase();
  try {
    return new TextDecoder(label === "us-ascii" || label === "ascii" ? "utf-8" : label).decode(bytes);
  } catch {
    // Unknown labels (x-unknown, 8bit, …) are common in old mail; latin1 never throws.
    return bytes.toString("latin1");
  }
}

/** RFC 2047 encoded-words (B and Q), with whitespace between adjacent words dropped (§6.2). */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g, "$1")
    .replace(/=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g, (_all, charset: string, enc: string, text: string) => {
      const cs = charset.split("*")[0] ?? charset;
      const bytes =
        enc.toUpperCase() === "B"
          ? Buffer.from(text, "base64")
          : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1");
      return decodeCharset(bytes, cs);
    });
}

/** A header value as a person reads it: 8-bit bytes as UTF-8, encoded-words decoded. */
export function displayHeader(binaryValue: string): string {
  const utf8 = /[\x80-\xff]/.test(binaryValue) ? Buffer.from(binaryValue, "latin1").toString("utf8") : binaryValue;
  return decodeWords(utf8);
}

export function decodeTransfer(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? "").trim().toLowerCase()) {
    case "base64":
      return Buffer.from(body.replace(/[^A-Za-z0-9+/]/g, ""), "base64");
    case "quoted-printable":
      return Buffer.from(
        body.replace(/=\r?\n/g, "").replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
        "latin1",
      );
    default:
      return Buffer.from(body, "latin1");
  }
}

function parseEntity(s: string, defaultType: string, depth: number): MimeNode {
  const { head, body } = splitHeaderBody(s);
  const headers = parseHeaders(head);
  const ct = headerValue(headers, "content-type");
  const parsedType = ct ? parseStructured(ct) : { value: defaultType, params: {} };
  const mimeType = /^[^/\s]+\/[^/\s]+$/.test(parsedType.value) ? parsedType.value : "text/plain";
  const cd = headerValue(headers, "content-disposition");
  const disposition = cd ? parseStructured(cd) : undefined;
  const rawName = disposition?.params.filename ?? parsedType.params.name ?? "";
  const node: MimeNode = {
    headers: headers.map((h) => ({ name: h.name, value: displayHeader(h.value) })),
    mimeType,
    params: parsedType.params,
    filename: displayHeader(rawName),
    disposition: disposition?.value,
    body: Buffer.alloc(0),
    children: [],
  };
  const boundary = parsedType.params.boundary;
  if (mimeType.startsWith("multipart/") && boundary && depth < MAX_DEPTH) {
    const childDefault = mimeType === "multipart/digest" ? "message/rfc822" : "text/plain";
    node.children = splitMultipart(body, boundary).map((p) => parseEntity(p, childDefault, depth + 1));
    return node;
  }
  node.body = decodeTransfer(body, headerValue(headers, "content-transfer-encoding"));
  return node;
}

/**
 * Parts between `--boundary` delimiter lines (RFC 2046 §5.1.1). The CRLF before a delimiter
 * belongs to the delimiter; preamble and epilogue are discarded; a missing close delimiter (common
 * in truncated spam) ends the last part at the end of the body.
 */
export function splitMultipart(body: string, boundary: string): string[] {
  const delim = `--${boundary}`;
  const parts: string[] = [];
  let pos = body.startsWith(delim) ? 0 : findDelimiter(body, delim, 0);
  while (pos !== -1) {
    const lineEnd = body.indexOf("\n", pos);
    const afterDelim = body.slice(pos + delim.length, lineEnd === -1 ? undefined : lineEnd);
    if (afterDelim.startsWith("--")) break;
    if (lineEnd === -1) break;
    const start = lineEnd + 1;
    const next = findDelimiter(body, delim, start);
    if (next === -1) {
      parts.push(body.slice(start));
      break;
    }
    // Drop the line break that precedes the next delimiter.
    let end = next;
    if (body[end - 1] === "\n") end--;
    if (body[end - 1] === "\r") end--;
    parts.push(body.slice(start, Math.max(start, end)));
    pos = next;
  }
  return parts;
}

function findDelimiter(body: string, delim: string, from: number): number {
  let search = Math.max(0, from - 1);
  for (;;) {
    const hit = body.indexOf(`\n${delim}`, search);
    if (hit === -1) return -1;
    const at = hit + 1;
    // Only a whole delimiter line counts: next is "--", whitespace or the end.
    const rest = body.slice(at + delim.length, at + delim.length + 2);
    if (rest === "" || rest.startsWith("--") || /^[ \t\r\n]/.test(rest)) return at;
    search = hit + 1;
  }
}

/** The leaf parts in document order (used for snippets and attachment lookup). */
export function* leaves(node: MimeNode, partId = ""): Generator<{ node: MimeNode; partId: string }> {
  if (node.children.length === 0) {
    yield { node, partId };
    return;
  }
  for (let i = 0; i < node.children.length; i++) {
    const child = node.children[i];
    if (child) yield* leaves(child, partId === "" ? String(i) : `${partId}.${i}`);
  }
}

export function findPart(node: MimeNode, partId: string): MimeNode | undefined {
  if (partId === "") return node;
  let cur: MimeNode | undefined = node;
  for (const seg of partId.split(".")) {
    cur = cur?.children[Number(seg)];
    if (!cur) return undefined;
  }
  return cur;
}

/** Text of a leaf in its declared charset. */
export function leafText(node: MimeNode): string {
  return decodeCharset(node.body, node.params.charset ?? "us-ascii");
}
