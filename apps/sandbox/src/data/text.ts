// Plain text from message bodies, for Gmail snippets and Graph's bodyPreview.
import { leafText, leaves, type MimeNode } from "./mime";

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

export function htmlToText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
      if (e[0] !== "#") return ENTITIES[e.toLowerCase()] ?? all;
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
    });
}

/** The message's displayable body: its first text/html leaf if any, else its first text/plain leaf. */
export function primaryBody(root: MimeNode): { contentType: "html" | "text"; content: string } {
  let text: string | undefined;
  for (const { node } of leaves(root)) {
    if (node.filename) continue;
    if (node.mimeType === "text/html") return { contentType: "html", content: leafText(node) };
    if (node.mimeType === "text/plain" && text === undefined) text = leafText(node);
  }
  return { contentType: "text", content: text ?? "" };
}
