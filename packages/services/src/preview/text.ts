// Plain-text previews: decoded (UTF-8, or Windows-1252 when the bytes are not UTF-8), escaped, cut
// at TEXT_PREVIEW_MAX_CHARS with a note.
import { escapeHtml, htmlShell } from "./shell";
import { TEXT_PREVIEW_MAX_CHARS } from "./type";

// Windows-1252's 0x80–0x9F (Node's decoder for the label treats them as C1 controls, like Latin-1).
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";

function decodeWindows1252(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] ?? "\ufffd") : String.fromCharCode(b);
  return out;
}

/** UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 (which maps every byte). */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

export interface TextPreview {
  html: string;
  truncated: boolean;
}

export function renderTextPreview(bytes: Uint8Array, opts: { name: string; maxChars?: number }): TextPreview {
  const max = opts.maxChars ?? TEXT_PREVIEW_MAX_CHARS;
  let text = decodeText(bytes);
  // JSON (events, contacts, records) is easier to read indented.
  const trimmed = text.trimStart();
  if ((trimmed.startsWith("{") || trimmed.startsWith("[")) && text.length <= max) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not JSON after all: shown as it is
    }
  }
  const truncated = text.length > max;
  if (truncated) text = text.slice(0, max);
  const note = truncated ? `<p class="hf-note">Only the first ${max.toLocaleString("en")} characters are shown. Download the item to see all of it.</p>` : "";
  return { html: htmlShell(opts.name, `${note}<div class="hf-wrap"><pre class="hf-pre">${escapeHtml(text)}</pre></div>`), truncated };
}
