// What an encrypting intruder leaves behind, for the "ransomware" mutation of every provider.
import type { Rng } from "./random";

const BODY_HEADERS = /^(content-type|content-transfer-encoding|content-disposition|mime-version)\s*:/i;

/** Same envelope and headers, body replaced by an opaque "encrypted" attachment. */
export function encryptMessage(raw: Buffer, rng: Rng): Buffer {
  const s = raw.toString("latin1");
  const split = s.indexOf("\r\n\r\n");
  const head = split === -1 ? s : s.slice(0, split);
  const bodyLength = split === -1 ? 0 : s.length - split - 4;
  const kept: string[] = [];
  let dropping = false;
  for (const line of head.split("\r\n")) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = BODY_HEADERS.test(line);
    if (!dropping) kept.push(line);
  }
  const cipher = rng.bytes(bodyLength + 16).toString("base64").replace(/.{76}/g, "$&\r\n");
  const headers = [
    ...kept,
    "MIME-Version: 1.0",
    'Content-Type: application/octet-stream; name="message.eml.locked"',
    'Content-Disposition: attachment; filename="message.eml.locked"',
    "Content-Transfer-Encoding: base64",
  ];
  return Buffer.from(`${headers.join("\r\n")}\r\n\r\n${cipher}\r\n`, "latin1");
}
