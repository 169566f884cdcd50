import { describe, expect, it } from "vitest";
import { renderMailPreview, sanitizeMailHtml } from "./mail";

const crlf = (s: string) => new TextEncoder().encode(s.replace(/\r?\n/g, "\r\n"));

function htmlMail(html: string, extraHeaders = ""): Uint8Array {
  return crlf(`From: Alice Example <alice@example.com>
To: Bob <bob@example.com>, carol@example.com
Cc: Dave <dave@example.com>
Date: Tue, 24 Nov 2026 09:15:00 +0000
Subject: Quarterly numbers
${extraHeaders}MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

${html}
`);
}

/** The <main> of a rendered preview: the message body only, not our own shell. */
function bodyOf(html: string): string {
  const m = /<main class="hf-body">([\s\S]*)<\/main>/.exec(html);
  if (!m?.[1] && m?.[1] !== "") throw new Error("no body in preview");
  return m[1];
}

// 1x1 transparent PNG
const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

describe("renderMailPreview: headers", () => {
  it("shows From, To, Cc, Date and Subject, escaped", async () => {
    const p = await renderMailPreview(htmlMail("<p>Hello</p>"), { timeZone: "Europe/Paris" });
    expect(p.subject).toBe("Quarterly numbers");
    expect(p.html).toContain("<dt>From</dt><dd>Alice Example &lt;alice@example.com&gt;</dd>");
    expect(p.html).toContain("<dt>To</dt><dd>Bob &lt;bob@example.com&gt;, carol@example.com</dd>");
    expect(p.html).toContain("<dt>Cc</dt><dd>Dave &lt;dave@example.com&gt;</dd>");
    // 09:15 UTC is 10:15 in Paris in November.
    expect(p.html).toMatch(/<dt>Date<\/dt><dd>Tuesday,? 24 November 2026 at 10:15:00 [^<]+<\/dd>/);
    expect(p.html).toContain("<dt>Subject</dt><dd>Quarterly numbers</dd>");
    expect(p.html.startsWith("<!doctype html>")).toBe(true);
  });

  it("falls back to UTC for an unknown time zone", async () => {
    const p = await renderMailPreview(htmlMail("<p>x</p>"), { timeZone: "Mars/Olympus" });
    expect(p.html).toMatch(/<dt>Date<\/dt><dd>Tuesday,? 24 November 2026 at 09:15:00 UTC<\/dd>/);
  });

  it("names a message without a Subject header '(no subject)'", async () => {
    const raw = crlf("From: a@example.com\nTo: b@example.com\nContent-Type: text/plain\n\nbody\n");
    const p = await renderMailPreview(raw);
    expect(p.subject).toBe("(no subject)");
    expect(p.html).toContain("<title>(no subject)</title>");
    expect(p.html).not.toContain("<dt>Cc</dt>");
  });

  it("escapes markup in headers", async () => {
    const raw = crlf('From: "<img src=x onerror=alert(1)>" <evil@example.com>\nSubject: <script>alert(1)</script>\nContent-Type: text/plain\n\nhi\n');
    const p = await renderMailPreview(raw);
    expect(p.html).not.toContain("<script");
    expect(p.html).not.toContain("<img");
    expect(p.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("renderMailPreview: hostile HTML bodies", () => {
  it("removes scripts, event handlers, javascript: URLs, iframes, forms, objects and embeds", async () => {
    const p = await renderMailPreview(
      htmlMail(`<div onclick="steal()">Hi <b onmouseover="x()">there</b></div>
<script>alert('xss')</script><SCRIPT src="https://evil.example/x.js"></SCRIPT>
<img src="x" onerror="alert(1)">
<a href="javascript:alert(1)">click</a><a href="  JaVaScRiPt:alert(2)">two</a><a href="jav&#x09;ascript:alert(3)">three</a>
<iframe src="https://evil.example/frame">fallback</iframe>
<form action="https://evil.example/phish"><input name="password"><button>Log in</button></form>
<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y">
<svg><script>alert(4)</script></svg><math><mi xlink:href="javascript:alert(5)">m</mi></math>
<meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/a.css">`),
    );
    const body = bodyOf(p.html);
    expect(body).toContain("Hi <b>there</b>");
    for (const bad of ["<script", "onclick", "onmouseover", "onerror", "javascript:", "<iframe", "<form", "<input", "<button", "<object", "<embed", "<svg", "<math", "<meta", "<base", "<link", "evil.example", "alert("]) {
      expect(body.toLowerCase()).not.toContain(bad.toLowerCase());
    }
    // Anchors survive without their dangerous href.
    expect(body).toContain(">click</a>");
  });

  it("gives links rel=noopener noreferrer and target=_blank and keeps http(s) and mailto hrefs", async () => {
    const p = await renderMailPreview(htmlMail(`<a href="https://example.com/report" target="_self" rel="opener">report</a> <a href="mailto:bob@example.com">mail</a>`));
    const body = bodyOf(p.html);
    expect(body).toContain('<a href="https://example.com/report" target="_blank" rel="noopener noreferrer">report</a>');
    expect(body).toContain('<a href="mailto:bob@example.com" target="_blank" rel="noopener noreferrer">mail</a>');
  });

  it("blocks remote images (src, srcset, background, protocol-relative) and says how many", async () => {
    const p = await renderMailPreview(
      htmlMail(`<p>Tracking:</p><img src="http://tracker.example/open.gif?u=1" width="1" height="1">
<img src="https://cdn.example/logo.png" alt="Logo"><img src="//cdn.example/p.png">
<img srcset="https://cdn.example/a.png 1x, https://cdn.example/b.png 2x">
<table background="https://cdn.example/bg.jpg"><tr><td>cell</td></tr></table>`),
    );
    const body = bodyOf(p.html);
    expect(body).not.toMatch(/tracker\.example|cdn\.example/);
    expect(body).not.toContain("<img");
    expect(body).not.toContain("srcset");
    expect(body).toContain("<td>cell</td>");
    expect(p.blockedRemote).toBe(5);
    expect(p.html).toContain("5 remote images were blocked");
  });

  it("says '1 remote image was blocked' for one, and nothing when none were", async () => {
    expect((await renderMailPreview(htmlMail('<img src="https://x.example/a.png">'))).html).toContain("1 remote image was blocked");
    const none = await renderMailPreview(htmlMail("<p>plain</p>"));
    expect(none.blockedRemote).toBe(0);
    expect(none.html).not.toContain("remote image");
  });

  it("removes remote CSS: url(http…) in style attributes and <style>, @import, image-set, and escaped url()", async () => {
    const p = await renderMailPreview(
      htmlMail(`<html><head><style>
@import url("https://evil.example/a.css");
@import 'https://evil.example/b.css';
body { background: #fff url(https://evil.example/bg.png) no-repeat; color: #333 }
.x { background-image: \\75 rl(https://evil.example/esc.png) }
.y { background-image: image-set("https://evil.example/1x.png" 1x) }
@font-face { font-family: X; src: url('http://evil.example/f.woff') }
</style></head><body><div style="background-image: url('http://evil.example/div.png'); color: red">styled</div>
<p style="behavior: url(x.htc); width: expression(alert(1))">old ie</p></body></html>`),
    );
    const body = bodyOf(p.html);
    expect(body).not.toContain("evil.example");
    expect(body).not.toMatch(/@import/i);
    expect(body).not.toMatch(/expression\s*\(/i);
    expect(body).toContain("color:red");
    expect(body).toMatch(/<style>[\s\S]*color: #333[\s\S]*<\/style>/);
    // import ×2, body bg, escaped url, image-set, font, div bg
    expect(p.blockedRemote).toBe(7);
  });

  it("drops data: SVG images and data:/vbscript:/protocol-relative links, keeps in-page anchors in the page", () => {
    const { html, blockedRemote } = sanitizeMailHtml(
      `<img src="data:image/svg+xml;base64,PHN2Zy8+" alt="s"><a href="data:text/html,<script>alert(1)</script>">d</a><a href="vbscript:msgbox(1)">v</a><a href="//evil.example/">p</a><a href="#top">top</a>`,
    );
    expect(html).not.toMatch(/<img|data:|vbscript|evil\.example/);
    expect(html).toContain('<a href="#top" rel="noopener noreferrer">top</a>');
    expect(blockedRemote).toBe(0);
  });

  it("cannot break out of <style> with a closing tag inside CSS", () => {
    const { html } = sanitizeMailHtml(`<style>p{color:red}</style><p>a</p><style>/*</style><script>alert(1)</script>*/</style>`);
    expect(html).not.toContain("<script");
    expect(html).not.toContain("alert(1)");
  });

  it("inlines cid: images from image attachments as data: URLs, not other types", async () => {
    const raw = crlf(`From: a@example.com
To: b@example.com
Subject: With picture
MIME-Version: 1.0
Content-Type: multipart/related; boundary="REL"

--REL
Content-Type: text/html; charset=utf-8

<p>Look: <img src="cid:logo@example" alt="logo"> and <img src="cid:evil@example" alt="svg"> <span style="background:url(cid:logo@example)">bg</span></p>
--REL
Content-Type: image/png; name="logo.png"
Content-Transfer-Encoding: base64
Content-ID: <logo@example>
Content-Disposition: inline; filename="logo.png"

${PNG_B64}
--REL
Content-Type: image/svg+xml; name="evil.svg"
Content-ID: <evil@example>
Content-Disposition: inline; filename="evil.svg"

<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>
--REL--
`);
    const p = await renderMailPreview(raw);
    const body = bodyOf(p.html);
    expect(body).toContain(`<img src="data:image/png;base64,${PNG_B64}" alt="logo" />`);
    expect(body).not.toContain("image/svg");
    expect(body).not.toContain("cid:");
    expect(body).toContain(`background:url(&quot;data:image/png;base64,${PNG_B64}&quot;)`);
    expect(p.blockedRemote).toBe(0);
    expect(p.attachments).toEqual([
      { filename: "logo.png", mimeType: "image/png", size: 68, inline: true },
      expect.objectContaining({ filename: "evil.svg", mimeType: "image/svg+xml", inline: false }),
    ]);
    expect(p.html).toContain("logo.png <span class=\"hf-muted\">— image/png, 68 bytes, shown in the message</span>");
  });
});

describe("renderMailPreview: MIME structure and encodings", () => {
  it("chooses the HTML part of multipart/alternative", async () => {
    const raw = crlf(`From: a@example.com
Subject: Alt
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="ALT"

--ALT
Content-Type: text/plain; charset=utf-8

PLAIN VERSION
--ALT
Content-Type: text/html; charset=utf-8

<p><strong>HTML VERSION</strong></p>
--ALT--
`);
    const body = bodyOf((await renderMailPreview(raw)).html);
    expect(body).toContain("<strong>HTML VERSION</strong>");
    expect(body).not.toContain("PLAIN VERSION");
  });

  it("decodes quoted-printable HTML", async () => {
    const raw = crlf(`From: a@example.com
Subject: QP
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<p style=3D"color:blue">Caf=C3=A9 cr=C3=A8me =E2=82=AC5 with a very long line that is=
 soft-wrapped</p>
`);
    const body = bodyOf((await renderMailPreview(raw)).html);
    expect(body).toContain('<p style="color:blue">Café crème €5 with a very long line that is soft-wrapped</p>');
  });

  it("decodes a base64 text body and escapes it in <pre>", async () => {
    const text = "Line one <not a tag> & more\nLine two";
    const raw = crlf(`From: a@example.com
Subject: B64
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

${Buffer.from(text).toString("base64")}
`);
    const body = bodyOf((await renderMailPreview(raw)).html);
    expect(body).toContain('<pre class="hf-pre">Line one &lt;not a tag&gt; &amp; more\nLine two');
  });

  it("decodes an iso-8859-1 body and an encoded-word subject", async () => {
    const head = "From: a@example.com\r\nSubject: =?ISO-8859-1?Q?R=E9sum=E9?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    const raw = new Uint8Array([...new TextEncoder().encode(head), ...Buffer.from("Gar\xe7on, \xe0 bient\xf4t\r\n", "latin1")]);
    const p = await renderMailPreview(raw);
    expect(p.subject).toBe("Résumé");
    expect(bodyOf(p.html)).toContain("Garçon, à bientôt");
  });

  it("lists attachments by name, type and size", async () => {
    const raw = crlf(`From: a@example.com
Subject: Files
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="MIX"

--MIX
Content-Type: text/plain

See attached.
--MIX
Content-Type: application/pdf; name="report.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="report.pdf"

${Buffer.from("%PDF-1.4 fake").toString("base64")}
--MIX--
`);
    const p = await renderMailPreview(raw);
    expect(p.attachments).toEqual([{ filename: "report.pdf", mimeType: "application/pdf", size: 13, inline: false }]);
    expect(p.html).toContain("Attachments (1)");
    expect(p.html).toContain("report.pdf <span class=\"hf-muted\">— application/pdf, 13 bytes</span>");
  });
});
