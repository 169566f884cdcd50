// Outgoing mail over SMTP (nodemailer). Pending requests and alerts reach every admin and guardian
// through this; locally SMTP_URL is the stack's mailpit sink (docs/adr/0019). Nothing here logs a
// message's subject or body: they can carry what a guarded request is about.
import nodemailer from "nodemailer";

export interface MailConfig {
  /** smtp://host:port or smtps://user:pass@host:465 (mailConfig() in @holdfast/config). */
  smtpUrl: string;
  /** The From header: "Name <address>" or a bare address. */
  from: string;
}

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html?: string;
}

export interface SentMail {
  messageId: string;
  accepted: string[];
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
  /** Closes the SMTP connection(s); the mailer cannot send afterwards. */
  close(): void;
}

/** Mail that was not (fully) sent: names the server and, when the server refused some, those recipients. */
export class MailError extends Error {
  override name = "MailError";
  constructor(
    message: string,
    /** Recipients the server refused (empty when nothing was sent at all for another reason). */
    readonly rejected: string[] = [],
    /** Recipients the server took: they did get the message, so a retry should skip them. */
    readonly accepted: string[] = [],
  ) {
    super(message);
  }
}

const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

/** Where mail goes, without any credentials the URL carries (safe for errors and logs). */
export function smtpServerLabel(smtpUrl: string): string {
  const u = new URL(smtpUrl);
  return `${u.protocol}//${u.host}`;
}

function checkMessage(m: MailMessage): string[] {
  const to = [...new Set(m.to.map((a) => a.trim()))];
  if (to.length === 0) throw new MailError("Mail has no recipients");
  const bad = to.find((a) => !ADDRESS.test(a));
  if (bad !== undefined) throw new MailError(`Mail recipient "${bad}" is not an email address`, [bad]);
  if (!m.subject.trim()) throw new MailError("Mail has an empty subject");
  // A line break in a header would let a subject add headers of its own.
  if (/[\r\n]/.test(m.subject)) throw new MailError("Mail subject contains a line break");
  if (!m.text.trim()) throw new MailError("Mail has an empty text body");
  return to;
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  rejected?: string[];
  message?: string;
}

export function createMailer(cfg: MailConfig): Mailer {
  const server = smtpServerLabel(cfg.smtpUrl);
  const transport = nodemailer.createTransport({
    url: cfg.smtpUrl,
    // Fail in seconds, not nodemailer's two minutes: a caller (a workflow activity) retries.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
    debug: false,
  });

  return {
    async send(message) {
      const to = checkMessage(message);
      let info: { messageId: string; accepted: string[]; rejected: string[] };
      try {
        // One message with every recipient in To: each admin and guardian sees who else was told,
        // which is the point of announcing a guarded request to all of them at once.
        info = await transport.sendMail({
          from: cfg.from,
          to,
          subject: message.subject,
          text: message.text,
          ...(message.html !== undefined ? { html: message.html } : {}),
        });
      } catch (err) {
        const e = err as SmtpFailure;
        const rejected = e.rejected ?? [];
        if (rejected.length) throw new MailError(`${server} refused mail to ${rejected.join(", ")}: ${e.response ?? e.message ?? "rejected"}`, rejected);
        const why = e.response ?? e.message ?? String(err);
        throw new MailError(`Could not send mail through ${server}: ${why}${e.code ? ` (${e.code})` : ""}`);
      }
      const { accepted, rejected } = info;
      // Some refused, the rest got it: the caller must learn who was not told.
      if (rejected.length) throw new MailError(`${server} refused mail to ${rejected.join(", ")} (sent to ${accepted.join(", ")})`, rejected, accepted);
      return { messageId: info.messageId, accepted };
    },
    close() {
      transport.close();
    },
  };
}
