import { describe, expect, it } from "vitest";
import { cleanCss } from "./css";
import { decodeText, renderTextPreview } from "./text";

describe("renderTextPreview", () => {
  it("escapes markup in text and wraps it in the shell", () => {
    const { html, truncated } = renderTextPreview(new TextEncoder().encode("<script>alert(1)</script>\n<img src=x onerror=alert(2)> & done"), { name: "notes.txt" });
    expect(truncated).toBe(false);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(2)&gt; &amp; done");
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain("<title>notes.txt</title>");
  });

  it("escapes the name in the title", () => {
    expect(renderTextPreview(new Uint8Array(), { name: "</title><script>x</script>" }).html).toContain("<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>");
  });

  it("pretty-prints JSON (events, contacts)", () => {
    const { html } = renderTextPreview(new TextEncoder().encode('{"summary":"Standup","attendees":["a@example.com"]}'), { name: "Standup" });
    expect(html).toContain("{\n  &quot;summary&quot;: &quot;Standup&quot;,");
  });

  it("cuts long text and says so", () => {
    const { html, truncated } = renderTextPreview(new TextEncoder().encode("x".repeat(50)), { name: "big.log", maxChars: 10 });
    expect(truncated).toBe(true);
    expect(html).toContain(`>${"x".repeat(10)}</pre>`);
    expect(html).toContain("Only the first 10 characters are shown");
  });
});

describe("decodeText", () => {
  it("reads UTF-8, UTF-8 with BOM, UTF-16 with BOM and falls back to Windows-1252", () => {
    expect(decodeText(new TextEncoder().encode("Café"))).toBe("Café");
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe("A");
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0xe9, 0x00]))).toBe("Aé");
    expect(decodeText(new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x80]))).toBe("Café€");
  });
});

describe("cleanCss", () => {
  it("keeps safe data: images and resolves cid: references", () => {
    const r = cleanCss("a{background:url(data:image/png;base64,AAAA)} b{background:url('cid:x@y')}", (cid) => (cid === "x@y" ? "data:image/gif;base64,R0lG" : undefined));
    expect(r.css).toBe('a{background:url("data:image/png;base64,AAAA")} b{background:url("data:image/gif;base64,R0lG")}');
    expect(r.blocked).toBe(0);
  });

  it("drops data: URLs of other types (svg) without counting them as remote", () => {
    const r = cleanCss("a{background:url(data:image/svg+xml;base64,PHN2Zz4=)}");
    expect(r.css).toBe("a{background:none}");
    expect(r.blocked).toBe(0);
  });

  it("neutralises comments hiding tokens, unterminated url( and markup", () => {
    const r = cleanCss("a{background:u/**/rl(x)} b{background:url(https://e.example/x.png c{}</style><script>");
    expect(r.css).not.toContain("<");
    expect(r.css).not.toMatch(/url\(/);
  });
});
