// mailpit: an SMTP sink that keeps every message it is sent and shows them over HTTP (web UI and
// JSON API), so dev and tests can read what Holdfast mailed without any mail leaving the machine
// (docs/adr/0019).
import { HOST, PORTS } from "../defaults.js";
import { httpAnswers, tcpOpen } from "../health.js";
import { tool } from "../paths.js";
import type { LocalService } from "./types.js";

/** What apps send to (SMTP_URL). */
export const smtpUrl = `smtp://${HOST}:${PORTS.smtp}`;
/** mailpit's web UI and API (MAIL_API_URL): tests read the captured messages here. */
export const mailApiUrl = `http://${HOST}:${PORTS.mailApi}`;

export const mail: LocalService = {
  name: "mail",
  address: smtpUrl,
  // mailpit opens its HTTP and SMTP listeners independently; ready means both answer.
  healthy: async () => (await httpAnswers(`${mailApiUrl}/api/v1/info`, {}, (s) => s === 200)) && tcpOpen(HOST, PORTS.smtp),
  launch: () => ({
    name: "mail",
    command: tool("mailpit"),
    // Loopback only, no auth, no POP3 (it needs an auth file). Without --database mailpit keeps its
    // messages in a temporary database it deletes on exit: the sink is ephemeral by design.
    args: [
      "--listen", `${HOST}:${PORTS.mailApi}`,
      "--smtp", `${HOST}:${PORTS.smtp}`,
      "--smtp-disable-rdns",
      "--disable-version-check",
    ],
  }),
  startTimeoutMs: 20_000,
};
