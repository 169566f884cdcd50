// Content lines shared by iCalendar (RFC 5545 §3.1) and vCard 4.0 (RFC 6350 §3.2): escaped text
// values, quoted parameters, CRLF endings and folding at 75 octets without splitting a UTF-8
// character.
const encoder = new TextEncoder();

/** A TEXT value: backslash, semicolon, comma and newlines escaped (RFC 5545 §3.3.11, RFC 6350 §3.4). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r\n|\r|\n/g, "\\n");
}

/** A parameter value; quoted when it holds `:`, `;` or `,`. DQUOTE cannot appear at all, so it becomes `'`. */
export function paramValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const v = value.replace(/"/g, "'").replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, " ");
  return /[:;,]/.test(v) ? `"${v}"` : v;
}

export type Params = Record<string, string | undefined>;

/** `NAME;P1=v1;P2=v2:value`, parameters without a value left out. `value` must already be escaped. */
export function line(name: string, value: string, params: Params = {}): string {
  let head = name;
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") head += `;${k}=${paramValue(v)}`;
  return `${head}:${value}`;
}

/** Folds one unfolded line into CRLF-terminated lines of at most 75 octets each. */
export function fold(unfolded: string): string {
  const bytes = encoder.encode(unfolded);
  if (bytes.length <= 75) return `${unfolded}\r\n`;
  const out: string[] = [];
  let lineBytes = 0;
  let current = "";
  let first = true;
  for (const ch of unfolded) {
    const n = encoder.encode(ch).length;
    const limit = first ? 75 : 74; // continuation lines start with one space
    if (lineBytes + n > limit) {
      out.push(first ? current : ` ${current}`);
      first = false;
      current = "";
      lineBytes = 0;
    }
    current += ch;
    lineBytes += n;
  }
  out.push(first ? current : ` ${current}`);
  return `${out.join("\r\n")}\r\n`;
}

/** Reverses `fold` (for tests and readers): a CRLF followed by one space or tab continues the line. */
export function unfold(text: string): string[] {
  return text
    .replace(/\r\n[ \t]/g, "")
    .split("\r\n")
    .filter((l) => l.length > 0);
}
