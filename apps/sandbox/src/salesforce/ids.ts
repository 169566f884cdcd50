// Salesforce record ids: a 3-character key prefix (001 Account, 003 Contact…), the org's pod and
// a counter, 15 case-sensitive characters, plus the 3-character case-insensitivity suffix the
// REST API always returns (18-character ids).
const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

function base62(n: number, width: number): string {
  let s = "";
  for (let i = 0; i < width; i++) {
    s = ALNUM.charAt(n % 62) + s;
    n = Math.floor(n / 62);
  }
  return s;
}

/** The documented 15 → 18 conversion: one suffix character per 5-character chunk, a bit per uppercase letter. */
export function to18(id15: string): string {
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= "A" && c <= "Z") bits |= 1 << i;
    }
    suffix += SUFFIX.charAt(bits);
  }
  return id15 + suffix;
}

/** `prefix` (3) + pod "5g" + 10 base-62 digits of (org, n). */
export function recordId(prefix: string, org: number, n: number): string {
  return to18(`${prefix}5g${base62(org % 62 ** 3, 3)}${base62(n, 7)}`);
}

/** 18 → the 15-character form, for lookups that accept either. */
export function id15(id: string): string {
  return id.length === 18 ? id.slice(0, 15) : id;
}
