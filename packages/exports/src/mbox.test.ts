import { describe, expect, it } from "vitest";
import { asctime, envelopeSender, fromLine, mboxrdMessage, parseMboxrd } from "./mbox";

async function quote(message: string, pieces: number[]): Promise<string> {
  const bytes = Buffer.from(message, "latin1");
  async function* chunks() {
    let at = 0;
    for (const p of pieces) {
      yield bytes.subarray(at, Math.min(bytes.length, at + p));
      at += p;
    }
    if (at < bytes.length) yield bytes.subarray(at);
    await Promise.resolve();
  }
  const out: Buffer[] = [];
  for await (const c of mboxrdMessage(chunks())) out.push(Buffer.from(c));
  return Buffer.concat(out).toString("latin1");
}

const MESSAGE = [
  "From: Ann <ann@example.org>",
  "Subject: From here",
  "",
  "From the start of a line.",
  ">From an already quoted line",
  ">>From twice",
  " From after a space is fine",
  "Fromage is not From_",
  ">>>Frog",
  "",
  "From ",
  "end",
  "",
].join("\r\n");

const QUOTED = [
  "From: Ann <ann@example.org>",
  "Subject: From here",
  "",
  ">From the start of a line.",
  ">>From an already quoted line",
  ">>>From twice",
  " From after a space is fine",
  "Fromage is not From_",
  ">>>Frog",
  "",
  ">From ",
  "end",
  "",
].join("\r\n");

describe("mboxrd quoting", () => {
  it("adds one > to every line matching ^>*From , nothing else", async () => {
    expect(await quote(MESSAGE, [MESSAGE.length])).toBe(`${QUOTED}\n`);
  });

  it("gives the same bytes however the message is split into pieces", async () => {
    const expected = `${QUOTED}\n`;
    for (let cut = 1; cut < MESSAGE.length; cut++) expect(await quote(MESSAGE, [cut]), `cut at ${cut}`).toBe(expected);
    expect(await quote(MESSAGE, Array.from({ length: MESSAGE.length }, () => 1))).toBe(expected);
  });

  it("ends a message without a final newline with one, and a line of only > characters stays", async () => {
    expect(await quote("Subject: x\n\n>>>>", [3, 3, 3])).toBe("Subject: x\n\n>>>>\n\n");
    expect(await quote("a\n>>Fr", [4])).toBe("a\n>>Fr\n\n");
  });

  it("round-trips through a reader that splits on From_ lines and unquotes", async () => {
    const other = "Subject: two\n\nFrom me\n";
    const mbox = `From ann@example.org ${asctime(new Date(0))}\n${await quote(MESSAGE, [7])}From bob@example.org ${asctime(new Date(0))}\n${await quote(other, [5])}`;
    const parsed = parseMboxrd(Buffer.from(mbox, "latin1"));
    expect(parsed.map((p) => p.message.toString("latin1"))).toEqual([MESSAGE, other]);
    expect(parsed[1]?.fromLine).toBe("From bob@example.org Thu Jan  1 00:00:00 1970");
  });
});

describe("From_ line", () => {
  it("has the sender's address and the asctime date in UTC", () => {
    expect(fromLine({ from: '"Ann, Lee" <ann@example.org>', date: "Tue, 5 Mar 2024 09:07:03 +0100" }, undefined)).toBe("From ann@example.org Tue Mar  5 08:07:03 2024\n");
    expect(fromLine({ from: "bob@example.org", receivedDateTime: "2024-12-24T18:00:00Z" }, undefined)).toBe("From bob@example.org Tue Dec 24 18:00:00 2024\n");
  });

  it("falls back to MAILER-DAEMON and the item's modification time", () => {
    expect(envelopeSender(undefined)).toBe("MAILER-DAEMON");
    expect(envelopeSender("undisclosed-recipients:;")).toBe("MAILER-DAEMON");
    expect(fromLine({}, "2023-01-02T03:04:05Z")).toBe("From MAILER-DAEMON Mon Jan  2 03:04:05 2023\n");
  });
});
