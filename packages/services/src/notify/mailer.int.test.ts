// The mailer against the local stack's mailpit (SMTP_URL / MAIL_API_URL from `pnpm test`, else the
// stack's fixed ports): what it sends is read back through mailpit's HTTP API.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mailConfig } from "@holdfast/config";
import { afterAll, describe, expect, it } from "vitest";
import { closedPort } from "../test-support";
import { createMailer, MailError } from "./mailer";

const cfg = mailConfig();
const api = (process.env.MAIL_API_URL ?? "http://127.0.0.1:8025").replace(/\/+$/, "");
const mailpitBin = fileURLToPath(new URL("../../../../.tools/bin/mailpit", import.meta.url));

interface Address {
  Name: string;
  Address: string;
}
interface Summary {
  ID: string;
  Subject: string;
}
interface Message extends Summary {
  From: Address;
  To: Address[];
  Text: string;
  HTML: string;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return (await res.json()) as T;
}

/** The sink is shared with other tests and dev: find ours by its unique subject. */
async function messageWithSubject(base: string, subject: string): Promise<Message> {
  for (let i = 0; i < 40; i++) {
    const list = await getJson<{ messages: Summary[] }>(`${base}/api/v1/messages?limit=200`);
    const hit = list.messages.find((m) => m.Subject === subject);
    if (hit) return getJson<Message>(`${base}/api/v1/message/${hit.ID}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no message with subject "${subject}" in ${base}`);
}


const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGTERM");
});

describe("mailer through the local SMTP sink", () => {
  it("delivers one message to every recipient, with subject, text and HTML intact", async () => {
    const subject = `Pending request ${randomBytes(4).toString("hex")}: shorten retention`;
    const to = ["owner@acme.test", "guardian@acme.test"];
    const mailer = createMailer(cfg);
    try {
      const sent = await mailer.send({ to, subject, text: "Approve or cancel within 72 hours.", html: "<p>Approve or <b>cancel</b> within 72 hours.</p>" });
      expect(sent.accepted.sort()).toEqual([...to].sort());
      expect(sent.messageId).toMatch(/^<.+@.+>$/);
    } finally {
      mailer.close();
    }

    const got = await messageWithSubject(api, subject);
    expect(got.To.map((a) => a.Address).sort()).toEqual([...to].sort());
    expect(got.From).toEqual({ Name: "Holdfast", Address: "no-reply@holdfast.local" });
    expect(got.Subject).toBe(subject);
    expect(got.Text.trim()).toBe("Approve or cancel within 72 hours.");
    expect(got.HTML).toContain("<p>Approve or <b>cancel</b> within 72 hours.</p>");
  });

  it("names the SMTP server it could not reach", async () => {
    const port = await closedPort();
    const mailer = createMailer({ ...cfg, smtpUrl: `smtp://127.0.0.1:${port}` });
    try {
      const err = await mailer.send({ to: ["owner@acme.test"], subject: "unreachable", text: "x" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MailError);
      expect((err as MailError).message).toContain(`smtp://127.0.0.1:${port}`);
      expect((err as MailError).message).toMatch(/ECONNREFUSED/);
    } finally {
      mailer.close();
    }
  });

  it("keeps credentials in the URL out of its errors", async () => {
    const port = await closedPort();
    const mailer = createMailer({ ...cfg, smtpUrl: `smtp://mailer:hunter2-secret@127.0.0.1:${port}` });
    try {
      const err = (await mailer.send({ to: ["owner@acme.test"], subject: "unreachable", text: "x" }).catch((e: unknown) => e)) as Error;
      expect(err.message).toContain(`smtp://127.0.0.1:${port}`);
      expect(err.message).not.toContain("hunter2");
    } finally {
      mailer.close();
    }
  });

  it("refuses a recipient that is not an address, a header-breaking subject and an empty list, before any SMTP", async () => {
    const mailer = createMailer({ ...cfg, smtpUrl: "smtp://127.0.0.1:9" });
    try {
      await expect(mailer.send({ to: ["owner@acme.test", "not-an-address"], subject: "s", text: "x" })).rejects.toThrow(/"not-an-address" is not an email address/);
      await expect(mailer.send({ to: ["owner@acme.test"], subject: "s\r\nBcc: spy@evil.test", text: "x" })).rejects.toThrow(/subject contains a line break/);
      await expect(mailer.send({ to: [], subject: "s", text: "x" })).rejects.toThrow(/no recipients/);
    } finally {
      mailer.close();
    }
  });

  // A sink of our own that only takes @acme.test recipients, so a refusal can be provoked without
  // touching the shared one.
  it.skipIf(!existsSync(mailpitBin))("names the recipients the server refused and those it took", async () => {
    const [smtp, http] = [await closedPort(), await closedPort()];
    const child = spawn(mailpitBin, ["--smtp", `127.0.0.1:${smtp}`, "--listen", `127.0.0.1:${http}`, "--smtp-allowed-recipients", "@acme\\.test$", "--disable-version-check", "--smtp-disable-rdns", "--quiet"], { stdio: "ignore" });
    children.push(child);
    for (let i = 0; i < 80; i++) {
      const up = await fetch(`http://127.0.0.1:${http}/api/v1/info`).then((r) => r.ok, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const mailer = createMailer({ ...cfg, smtpUrl: `smtp://127.0.0.1:${smtp}` });
    try {
      const err = (await mailer.send({ to: ["owner@acme.test", "outsider@elsewhere.test"], subject: "partly refused", text: "x" }).catch((e: unknown) => e)) as MailError;
      expect(err).toBeInstanceOf(MailError);
      expect(err.rejected).toEqual(["outsider@elsewhere.test"]);
      expect(err.accepted).toEqual(["owner@acme.test"]);
      expect(err.message).toMatch(/refused mail to outsider@elsewhere\.test/);
    } finally {
      mailer.close();
    }
  });
});
