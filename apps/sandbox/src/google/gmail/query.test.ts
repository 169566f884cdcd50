import { describe, expect, it } from "vitest";
import type { GmailLabel } from "./labels";
import { buildFilter, messageIdOf, QueryError } from "./query";

const labels: GmailLabel[] = [{ id: "Label_1", name: "Projects/Apollo", type: "user" }];
const m = (labelIds: string[], internalDate = Date.UTC(2024, 5, 1)) => ({ id: "x", threadId: "x", historyId: 1, labelIds, internalDate });

describe("messages.list filters", () => {
  it("hides SPAM and TRASH unless asked", () => {
    const f = buildFilter({ labelIds: [], includeSpamTrash: false }, labels);
    expect(f(m(["INBOX"]))).toBe(true);
    expect(f(m(["SPAM"]))).toBe(false);
    expect(buildFilter({ labelIds: ["TRASH"], includeSpamTrash: false }, labels)(m(["TRASH"]))).toBe(true);
    expect(buildFilter({ labelIds: [], q: "in:anywhere", includeSpamTrash: false }, labels)(m(["SPAM"]))).toBe(true);
  });

  it("supports label names, negation, is: and dates", () => {
    const f = buildFilter({ labelIds: [], q: "label:projects-apollo -is:unread after:2024/05/01 before:2024/07/01", includeSpamTrash: false }, labels);
    expect(f(m(["Label_1"]))).toBe(true);
    expect(f(m(["Label_1", "UNREAD"]))).toBe(false);
    expect(f(m(["Label_1"], Date.UTC(2024, 7, 1)))).toBe(false);
    expect(f(m(["INBOX"]))).toBe(false);
  });

  it("refuses what it cannot evaluate instead of ignoring it", () => {
    expect(() => buildFilter({ labelIds: [], q: "from:bob", includeSpamTrash: false }, labels)).toThrow(QueryError);
    expect(() => buildFilter({ labelIds: [], q: "invoice", includeSpamTrash: false }, labels)).toThrow(QueryError);
  });

  it("rfc822msgid: asks the route to match the raw Message-ID header, with or without brackets", () => {
    expect(buildFilter({ labelIds: [], q: "rfc822msgid:<abc@example.com>", includeSpamTrash: false }, labels).rfc822msgid).toBe("abc@example.com");
    expect(buildFilter({ labelIds: [], q: "rfc822msgid:abc@example.com", includeSpamTrash: false }, labels).rfc822msgid).toBe("abc@example.com");
    expect(messageIdOf(Buffer.from("From: a@b\r\nMessage-ID:\r\n <x.y@z>\r\nSubject: s\r\n\r\nMessage-ID: <body@not>\r\n"))).toBe("x.y@z");
    expect(messageIdOf(Buffer.from("From: a@b\r\n\r\nbody"))).toBeUndefined();
    expect(messageIdOf(Buffer.from("Message-Id: <3CFB1EED003722B3@> (added by postmaster@wanadoo.fr)\r\n\r\nbody"))).toBe("3CFB1EED003722B3@");
    expect(messageIdOf(Buffer.from("Message-ID: bare-id@host\r\n\r\nbody"))).toBe("bare-id@host");
  });
});
