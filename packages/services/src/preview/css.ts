// CSS from a backed-up message, made inert: nothing in it may fetch anything (remote images,
// fonts, @import), and nothing may break out of the <style> element it sits in. The preview's CSP
// (img-src data:, default-src 'none') blocks fetches anyway; this makes the block visible and
// counted, and keeps the document clean if it is ever opened without the headers.

const SAFE_DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp)[;,]/i;

export interface CleanCss {
  css: string;
  /** Remote resources (images, imports, fonts) that were removed. */
  blocked: number;
}

/** Decodes CSS escapes (`\75 rl(` is `url(`), so what is checked is what a browser would read. */
function unescapeCss(css: string): string {
  if (!css.includes("\\")) return css;
  return css.replace(/\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\([^\n\r\f0-9a-fA-F])|\\[\n\r\f]/g, (_m, hex: string | undefined, ch: string | undefined) => {
    if (hex) {
      const code = Number.parseInt(hex, 16);
      return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? "\ufffd" : String.fromCodePoint(code);
    }
    return ch ?? "";
  });
}

const isRemote = (url: string) => /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(url.trim()) || /^https?:/i.test(url.trim());

/** `resolveCid` turns a `cid:` reference into a data: URL (or undefined to drop it). */
export function cleanCss(input: string, resolveCid: (cid: string) => string | undefined = () => undefined): CleanCss {
  let blocked = 0;
  const kept: string[] = [];
  const keep = (url: string) => `\uE000${kept.push(url) - 1}\uE000`;
  let css = unescapeCss(input)
    .replace(/\uE000/g, "")
    // Comments can hide tokens from the patterns below.
    .replace(/\/\*[\s\S]*?(?:\*\/|$)/g, " ")
    // Nothing may close the <style> element or open markup.
    .replace(/</g, " ");
  css = css.replace(/@import\s+(?:url\(\s*)?(["']?)([^"');]*)\1\s*\)?[^;]*;?/gi, () => {
    blocked++;
    return "";
  });
  // Old IE script hooks and XBL bindings.
  css = css.replace(/expression\s*\(|behavior\s*:|-moz-binding\s*:|javascript\s*:|vbscript\s*:/gi, "invalid-removed:");
  css = css.replace(/(?:-webkit-)?image-set\s*\(([^)]*(?:\([^)]*\)[^)]*)*)\)/gi, (_m, inner: string) => {
    if (/url\(|["']/.test(inner)) blocked++;
    return "none";
  });
  css = css.replace(/url\(\s*(["']?)([^"')]*)\1\s*\)/gi, (_m, _q: string, raw: string) => {
    const url = raw.trim();
    if (SAFE_DATA_IMAGE.test(url)) return keep(url);
    if (/^cid:/i.test(url)) {
      const data = resolveCid(url.slice(4));
      if (data) return keep(data);
      return "none";
    }
    if (isRemote(url)) blocked++;
    return "none";
  });
  // An unbalanced `url(` left over (unterminated) must not swallow what follows into a request.
  css = css.replace(/url\s*\(/gi, () => "none(");
  css = css.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => `url("${(kept[Number(i)] ?? "").replace(/["\\\n\r]/g, "")}")`);
  return { css, blocked };
}
