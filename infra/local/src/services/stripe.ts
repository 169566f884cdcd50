import { HOST, PORTS } from "../defaults.js";
import { httpAnswers } from "../health.js";
import { tool } from "../paths.js";
import type { LocalService } from "./types.js";

const base = `http://${HOST}:${PORTS.stripe}`;

export const stripe: LocalService = {
  name: "stripe",
  address: base,
  // stripe-mock accepts any sk_test_ key; a 200 here means its OpenAPI fixtures loaded.
  healthy: () => httpAnswers(`${base}/v1/customers`, { headers: { Authorization: "Bearer sk_test_123" } }, (s) => s === 200),
  launch: () => ({
    name: "stripe",
    command: tool("stripe-mock"),
    // Without -https-addr it would also serve HTTPS on every interface.
    args: ["-http-addr", `${HOST}:${PORTS.stripe}`, "-https-addr", `${HOST}:${PORTS.stripe + 1}`],
  }),
  startTimeoutMs: 20_000,
};
