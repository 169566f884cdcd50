// pnpm bench:sandbox — is the sandbox ever the bottleneck? (issue #4: ≥ 2,000 small requests/s on
// one core, large downloads streamed without buffering, bounded memory at the largest scale.)
//
// The sandbox runs as `pnpm start` would run it (apps/sandbox/src/main.ts), in its own Node process
// pinned to one core with taskset when available; this process is the client: it seeds tenants
// through the control API, gets tokens through the real OAuth flows, drives keep-alive load at a
// few realistic small endpoints (one of them over the HTTPS listener), Graph message MIME and
// OneDrive content in a closed loop, and downloads large Drive files, sampling the server's RSS from
// /proc/<pid>/status throughout. Figures go to stdout and bench/results/sandbox-<date>.json.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { download, runLoad, type LoadTarget } from "./load";
import { mib, parseProcStatus, summarizeLatencies, table } from "./stats";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SANDBOX_DIR = join(ROOT, "apps/sandbox");
const TARGET_RPS = 2_000;
const REDIRECT = "http://localhost:3000/bench/callback";

const { values: args } = parseArgs({
  // `pnpm bench:sandbox -- --seconds 3` hands the script a literal "--" first.
  args: process.argv.slice(2).filter((a, i) => i > 0 || a !== "--"),
  options: {
    seconds: { type: "string", default: "8" },
    concurrency: { type: "string", default: "16" },
    "large-mib": { type: "string", default: "256" },
    "skip-scale": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    core: { type: "string", default: "1" },
    /** Only the small endpoints whose name contains this (for profiling one of them). */
    only: { type: "string" },
  },
});

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

function uptime(): string {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return `load average: ${loadavg().map((l) => l.toFixed(2)).join(", ")}`;
  }
}

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

class Server {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(profileDir: string | undefined, core: string): Promise<{ server: Server; pinned: boolean }> {
    const port = await freePort();
    const node = [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), "--import", "tsx", "src/main.ts"];
    const pinned = hasTaskset();
    const [cmd, argv] = pinned ? ["taskset", ["-c", core, process.execPath, ...node]] : [process.execPath, node];
    const child = spawn(cmd, argv, { cwd: SANDBOX_DIR, env: { PATH: "/usr/bin:/bin", HOME: "/tmp", SANDBOX_HOST: "127.0.0.1", SANDBOX_PORT: String(port), LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "inherit"] });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 600; i++) {
      if (child.exitCode !== null) throw new Error(`the sandbox exited with ${child.exitCode}`);
      try {
        if ((await fetch(`${url}/_control/health`)).ok) return { server: new Server(child, url), pinned };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the sandbox did not start within 60 s");
  }

  /** The server process's RSS now and its peak so far (taskset execs node, so the pid is node's). */
  memory(): { rssBytes: number; hwmBytes: number } {
    return parseProcStatus(readFileSync(`/proc/${this.child.pid}/status`, "utf8"));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
  }
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${res.url.split("?")[0]}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const form = (url: string, body: Record<string, string>) => fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(body) });

interface Tenant {
  id: string;
  domain: string;
  adminEmail: string;
  tenantId?: string;
  units: { id: string; email?: string }[];
}

async function registerClient(url: string, provider: string, appRoles?: string[]): Promise<{ clientId: string; clientSecret: string }> {
  return json(await post(`${url}/_control/oauth-clients`, { provider, redirectUris: [REDIRECT], ...(appRoles ? { appRoles } : {}) }));
}

/** The authorization-code flow, consenting by header as a script would (X-Sandbox-Consent). */
async function codeFlow(authUrl: string, tokenUrl: string, client: { clientId: string; clientSecret: string }, params: Record<string, string>): Promise<string> {
  const u = new URL(authUrl);
  for (const [k, v] of Object.entries({ client_id: client.clientId, redirect_uri: REDIRECT, response_type: "code", ...params })) u.searchParams.set(k, v);
  const res = await fetch(u, { headers: { "x-sandbox-consent": "approve" }, redirect: "manual" });
  const code = new URL(res.headers.get("location") ?? "http://x/").searchParams.get("code");
  if (!code) throw new Error(`consent failed: ${res.status}`);
  const token = await json<{ access_token: string }>(await form(tokenUrl, { grant_type: "authorization_code", code, client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: REDIRECT }));
  return token.access_token;
}

const GOOGLE_SCOPES = ["https://www.googleapis.com/auth/gmail.readonly", "https://www.googleapis.com/auth/admin.directory.user.readonly", "https://www.googleapis.com/auth/drive.readonly"].join(" ");

async function googleToken(url: string, client: { clientId: string; clientSecret: string }, email: string): Promise<string> {
  return codeFlow(`${url}/google/o/oauth2/v2/auth`, `${url}/google/token`, client, { scope: GOOGLE_SCOPES, login_hint: email, access_type: "online" });
}

interface EndpointFigure {
  name: string;
  path: string;
  requestsPerSecond: number;
  requests: number;
  statuses: Record<string, number>;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanResponseBytes: number;
  serverRssMiB: number;
}

async function main(): Promise<void> {
  const seconds = Number(args.seconds);
  const concurrency = Number(args.concurrency);
  const largeMiB = Number(args["large-mib"]);
  const startedAt = new Date();
  const loadBefore = uptime();
  console.log(`sandbox benchmark ${startedAt.toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`);
  console.log(`before: ${loadBefore}`);

  const profileDir = args.profile ? join(ROOT, ".data/bench/sandbox-prof") : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const { server, pinned } = await Server.start(profileDir, args.core);
  const url = server.url;
  console.log(`sandbox pid ${server.child.pid} at ${url}${pinned ? `, pinned to core ${args.core} (taskset)` : ", NOT pinned (no taskset)"}; idle RSS ${mib(server.memory().rssBytes)} MiB`);

  try {
    // Tenants and tokens.
    const google = await json<Tenant>(await post(`${url}/_control/tenants`, { provider: "google", seed: 7, users: 5, itemsPerUser: 200, largeFilesMiB: [4, largeMiB] }));
    const gClient = await registerClient(url, "google");
    const gToken = await googleToken(url, gClient, google.adminEmail);
    const gAuth = { authorization: `Bearer ${gToken}` };
    // The bench measures the server, not Gmail's 15,000 units/user/minute (it would answer 429s).
    await json(await fetch(`${url}/_control/tenants/${google.id}/throttling`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ unitsPerUserPerMinute: 1_000_000_000 }) }));
    const list = await json<{ messages: { id: string }[] }>(await fetch(`${url}/gmail/v1/users/me/messages?maxResults=50`, { headers: gAuth }));
    const messageId = list.messages[17]?.id ?? list.messages[0]?.id ?? "";

    const ms = await json<Tenant>(await post(`${url}/_control/tenants`, { provider: "microsoft", seed: 7, users: 25, itemsPerUser: 50 }));
    const msApp = await registerClient(url, "microsoft", ["User.Read.All", "Mail.Read", "Files.Read.All"]);
    const consentUrl = new URL(`${url}/microsoft/${ms.tenantId}/v2.0/adminconsent`);
    for (const [k, v] of Object.entries({ client_id: msApp.clientId, redirect_uri: REDIRECT, scope: "https://graph.microsoft.com/.default", state: "bench" })) consentUrl.searchParams.set(k, v);
    await fetch(consentUrl, { headers: { "x-sandbox-consent": "approve" }, redirect: "manual" });
    const msToken = (await json<{ access_token: string }>(await form(`${url}/microsoft/${ms.tenantId}/oauth2/v2.0/token`, { grant_type: "client_credentials", client_id: msApp.clientId, client_secret: msApp.clientSecret, scope: "https://graph.microsoft.com/.default" }))).access_token;

    const msAuth = { authorization: `Bearer ${msToken}` };
    // As for Gmail: the bench measures the server, not Graph's 4 concurrent requests per mailbox.
    await json(await fetch(`${url}/_control/tenants/${ms.id}/throttling`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ requestsPerWindow: 1_000_000_000, windowSeconds: 600, concurrentRequests: 1_000 }) }));
    const msUser = ms.units[0]?.email ?? ms.adminEmail;
    const msMessages = await json<{ value: { id: string }[] }>(await fetch(`${url}/microsoft/graph/v1.0/users/${msUser}/messages?$top=20&$select=id`, { headers: msAuth }));
    const mailId = msMessages.value[7]?.id ?? msMessages.value[0]?.id ?? "";
    // OneDrive: the largest seeded file of the user's drive, through the pre-authenticated URL `/content` redirects to.
    const delta = await json<{ value: { id: string; size?: number; file?: unknown }[] }>(await fetch(`${url}/microsoft/graph/v1.0/users/${msUser}/drive/root/delta`, { headers: msAuth }));
    const biggest = delta.value.filter((i) => i.file).sort((a, b) => (b.size ?? 0) - (a.size ?? 0))[0];
    const contentRes = await fetch(`${url}/microsoft/graph/v1.0/users/${msUser}/drive/items/${biggest?.id ?? ""}/content`, { headers: msAuth, redirect: "manual" });
    const downloadUrl = contentRes.headers.get("location");
    if (contentRes.status !== 302 || !downloadUrl) throw new Error(`OneDrive content: expected a 302 to the download URL, got ${contentRes.status}`);
    // The HTTPS listener (SANDBOX_PORT + 1) and its self-signed certificate.
    const ca = await (await fetch(`${url}/_control/tls/cert.pem`)).text();
    const httpsUrl = url.replace(/^http:\/\/([^:]+):(\d+)$/, (_m, host: string, port: string) => `https://${host}:${Number(port) + 1}`);

    const sf = await json<Tenant>(await post(`${url}/_control/tenants`, { provider: "salesforce", seed: 7, users: 5, itemsPerUser: 200, dailyApiRequests: 1_000_000_000 }));
    const sfClient = await registerClient(url, "salesforce");
    const sfToken = await codeFlow(`${url}/salesforce/services/oauth2/authorize`, `${url}/salesforce/services/oauth2/token`, sfClient, { scope: "api", login_hint: sf.adminEmail });

    const soql = encodeURIComponent("SELECT Id, Name, Industry FROM Account ORDER BY Name LIMIT 25");
    const endpoints: { name: string; target: LoadTarget }[] = [
      { name: "gmail messages.get metadata", target: { url: `${url}/gmail/v1/users/me/messages/${messageId}?format=metadata&metadataHeaders=Subject&metadataHeaders=From`, headers: gAuth } },
      { name: "gmail messages.list 100", target: { url: `${url}/gmail/v1/users/me/messages?maxResults=100`, headers: gAuth } },
      { name: "directory users.list", target: { url: `${url}/admin/directory/v1/users?customer=my_customer&maxResults=100`, headers: gAuth } },
      { name: "graph users $top=25", target: { url: `${url}/microsoft/graph/v1.0/users?$top=25`, headers: msAuth } },
      { name: "graph users $top=25 https", target: { url: `${httpsUrl}/microsoft/graph/v1.0/users?$top=25`, headers: msAuth, ca } },
      { name: "salesforce query 25 rows", target: { url: `${url}/salesforce/services/data/v62.0/query?q=${soql}`, headers: { authorization: `Bearer ${sfToken}` } } },
    ];

    console.log(`\nsmall requests: ${concurrency} keep-alive connections, 1 s warm-up + ${seconds} s each`);
    const small: EndpointFigure[] = [];
    for (const e of endpoints.filter((x) => !args.only || x.name.includes(args.only))) {
      const r = await runLoad(e.target, { concurrency, durationMs: seconds * 1000, warmupMs: 1000 });
      const lat = summarizeLatencies(r.latenciesMs);
      const non2xx = Object.entries(r.statuses).filter(([status]) => !status.startsWith("2")).reduce((n, [, c]) => n + c, 0);
      if (non2xx + r.errors > 0) console.error(`${e.name}: ${non2xx} non-2xx responses and ${r.errors} errors (${JSON.stringify(r.statuses)}) — not counted as served`);
      small.push({ name: e.name, path: new URL(e.target.url).pathname, requestsPerSecond: Math.round((r.requests - non2xx) / r.seconds), requests: r.requests, statuses: r.statuses, errors: r.errors, ...lat, meanResponseBytes: Math.round(r.bytes / Math.max(1, r.requests)), serverRssMiB: mib(server.memory().rssBytes) });
    }
    const round = (x: number) => Math.round(x * 100) / 100;
    const statusCell = (f: EndpointFigure) => Object.entries(f.statuses).map(([s, n]) => `${s}×${n}`).join(" ") + (f.errors ? ` err×${f.errors}` : "");
    console.log(table(["endpoint", "req/s", "p50 ms", "p99 ms", "max ms", "bytes", "statuses", "RSS MiB"], small.map((f) => [f.name, f.requestsPerSecond, round(f.p50Ms), round(f.p99Ms), round(f.maxMs), f.meanResponseBytes, statusCell(f), f.serverRssMiB])));

    // Content served from the Microsoft emulation: message MIME ($value) and OneDrive file bytes,
    // closed loop like the small requests; throughput = body bytes of 2xx responses per second.
    const contentTargets: { name: string; target: LoadTarget }[] = [
      { name: "graph message $value", target: { url: `${url}/microsoft/graph/v1.0/users/${msUser}/messages/${mailId}/$value`, headers: msAuth } },
      { name: `onedrive content ${Math.round((biggest?.size ?? 0) / 1024)} KiB`, target: { url: downloadUrl } },
    ];
    const content: (EndpointFigure & { mibPerSecond: number })[] = [];
    if (!args.only) {
      console.log(`\ncontent downloads: ${concurrency} keep-alive connections, 1 s warm-up + ${seconds} s each`);
      for (const e of contentTargets) {
        const r = await runLoad(e.target, { concurrency, durationMs: seconds * 1000, warmupMs: 1000 });
        const non2xx = Object.entries(r.statuses).filter(([status]) => !status.startsWith("2")).reduce((n, [, c]) => n + c, 0);
        if (non2xx + r.errors > 0) console.error(`${e.name}: ${non2xx} non-2xx responses and ${r.errors} errors (${JSON.stringify(r.statuses)}) — not counted as served`);
        const meanBytes = Math.round(r.bytes / Math.max(1, r.requests));
        const served = r.requests - non2xx;
        content.push({ name: e.name, path: new URL(e.target.url).pathname.slice(0, 80), requestsPerSecond: Math.round(served / r.seconds), requests: r.requests, statuses: r.statuses, errors: r.errors, ...summarizeLatencies(r.latenciesMs), meanResponseBytes: meanBytes, mibPerSecond: round((served * meanBytes) / 1024 / 1024 / r.seconds), serverRssMiB: mib(server.memory().rssBytes) });
      }
      console.log(table(["content", "req/s", "MiB/s", "p50 ms", "p99 ms", "bytes", "statuses", "RSS MiB"], content.map((f) => [f.name, f.requestsPerSecond, f.mibPerSecond, round(f.p50Ms), round(f.p99Ms), f.meanResponseBytes, statusCell(f), f.serverRssMiB])));
    }

    // Large downloads: RSS sampled every 20 ms while the bytes stream through.
    const files = await json<{ files: { id: string; name: string; size: string }[] }>(await fetch(`${url}/drive/v3/files?q=${encodeURIComponent("name contains 'Large'")}&fields=files(id,name,size)`, { headers: gAuth }));
    const downloads: { name: string; sizeMiB: number; status: number; seconds: number; mibPerSecond: number; rssBeforeMiB: number; rssPeakMiB: number; rssGrowthMiB: number }[] = [];
    for (const f of files.files.sort((a, b) => Number(a.size) - Number(b.size))) {
      const before = server.memory().rssBytes;
      let peak = before;
      const timer = setInterval(() => (peak = Math.max(peak, server.memory().rssBytes)), 20);
      const d = await download({ url: `${url}/drive/v3/files/${f.id}?alt=media`, headers: gAuth });
      clearInterval(timer);
      peak = Math.max(peak, server.memory().rssBytes);
      if (d.bytes !== Number(f.size)) throw new Error(`${f.name}: got ${d.bytes} bytes, expected ${f.size}`);
      downloads.push({ name: f.name, sizeMiB: mib(d.bytes), status: d.status, seconds: round(d.seconds), mibPerSecond: round(d.bytes / 1024 / 1024 / d.seconds), rssBeforeMiB: mib(before), rssPeakMiB: mib(peak), rssGrowthMiB: mib(peak - before) });
    }
    console.log("\nDrive files.get alt=media (one at a time, server RSS sampled every 20 ms)");
    console.log(table(["file", "MiB", "s", "MiB/s", "RSS before", "RSS peak", "growth"], downloads.map((d) => [d.name, d.sizeMiB, d.seconds, d.mibPerSecond, d.rssBeforeMiB, d.rssPeakMiB, d.rssGrowthMiB])));

    // The largest scale from the issue: 200 users × 20,000 messages, then one list + get per mailbox.
    let scale: Record<string, number> | undefined;
    if (!args["skip-scale"]) {
      const before = server.memory().rssBytes;
      const t0 = performance.now();
      const big = await json<Tenant>(await post(`${url}/_control/tenants`, { provider: "google", seed: 9, users: 200, itemsPerUser: 20_000 }));
      const createSeconds = (performance.now() - t0) / 1000;
      const afterCreate = server.memory().rssBytes;
      const t1 = performance.now();
      const bigClient = await registerClient(url, "google");
      let messagesRead = 0;
      for (const u of big.units) {
        if (!u.email) continue;
        const auth = { authorization: `Bearer ${await googleToken(url, bigClient, u.email)}` };
        const page = await json<{ messages: { id: string }[] }>(await fetch(`${url}/gmail/v1/users/me/messages?maxResults=500`, { headers: auth }));
        const last = page.messages[page.messages.length - 1];
        if (last) await json(await fetch(`${url}/gmail/v1/users/me/messages/${last.id}?format=raw`, { headers: auth }));
        messagesRead += page.messages.length;
      }
      const touchSeconds = (performance.now() - t1) / 1000;
      const m = server.memory();
      scale = { users: big.units.length, itemsPerUser: 20_000, createSeconds: round(createSeconds), rssBeforeMiB: mib(before), rssAfterCreateMiB: mib(afterCreate), listedMessages: messagesRead, touchSeconds: round(touchSeconds), rssAfterTouchMiB: mib(m.rssBytes), peakRssMiB: mib(m.hwmBytes) };
      console.log(`\nlargest scale: 200 users × 20,000 messages created in ${scale.createSeconds} s; server RSS ${scale.rssBeforeMiB} → ${scale.rssAfterCreateMiB} MiB; after a token, a 500-message page and one raw message per mailbox (${touchSeconds.toFixed(1)} s): ${scale.rssAfterTouchMiB} MiB`);
    }

    const final = server.memory();
    const loadAfter = uptime();
    const minRps = Math.min(...small.map((s) => s.requestsPerSecond));
    const largest = downloads[downloads.length - 1];
    const smallest = downloads[0];
    // Streaming: the largest download's RSS growth is not more than the smallest's plus 16 MiB.
    const streaming = largest !== undefined && smallest !== undefined && largest !== smallest && largest.rssGrowthMiB <= smallest.rssGrowthMiB + 16;
    console.log(`\npeak server RSS over the run (VmHWM): ${mib(final.hwmBytes)} MiB`);
    console.log(`after: ${loadAfter}`);
    console.log(`target ≥ ${TARGET_RPS} small req/s on one core: slowest endpoint ${minRps} req/s — ${minRps >= TARGET_RPS ? "met" : "MISSED"}`);
    console.log(`target large downloads streamed: ${largest ? `${largest.sizeMiB} MiB download grew RSS by ${largest.rssGrowthMiB} MiB (${smallest?.sizeMiB} MiB: ${smallest?.rssGrowthMiB} MiB)` : "no downloads"} — ${streaming ? "met" : "MISSED"}`);

    const result = { benchmark: "sandbox", startedAt: startedAt.toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, pinned: pinned ? `taskset -c ${args.core}` : null, loadBefore, loadAfter, concurrency, secondsPerEndpoint: seconds, small, content, downloads, scale, peakServerRssMiB: mib(final.hwmBytes), targets: { smallRequestsPerSecond: { target: TARGET_RPS, slowest: minRps, met: minRps >= TARGET_RPS }, streaming: { met: streaming } } };
    const dir = join(ROOT, "bench/results");
    mkdirSync(dir, { recursive: true });
    const day = startedAt.toISOString().slice(0, 10).replace(/-/g, "");
    let file = join(dir, `sandbox-${day}.json`);
    for (let n = 2; existsSync(file); n++) file = join(dir, `sandbox-${day}-${n}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwrote ${file.slice(ROOT.length + 1)}`);
  } finally {
    await server.stop();
    if (profileDir) console.log(`CPU profile in ${profileDir}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
