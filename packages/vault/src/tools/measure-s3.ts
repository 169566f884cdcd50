// End-to-end ingest/restore throughput and peak RSS against the local S3 server, outside any test
// runner. Usage: npx tsx src/tools/measure-s3.ts <MiB> <workers>
import { createHash, randomBytes } from "node:crypto";
import { LocalKms } from "../crypto/kms";
import { createTestBucket } from "../testing";
import { initVault } from "../vault";
import { pseudoText } from "../test-support/fixtures";

const [mibArg = "512", workersArg = "2"] = process.argv.slice(2);
const TOTAL = Number(mibArg) * 2 ** 20;
const PIECE = 2 ** 20;
let peak = 0;
let peakAb = 0;
let peakHeap = 0;
const timer = setInterval(() => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
  peakAb = Math.max(peakAb, m.arrayBuffers);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 100);
const base = process.memoryUsage().rss;
const tb = await createTestBucket({ prefix: "measure", identities: false });
const { vault } = await initVault(tb.writer, { kms: new LocalKms(randomBytes(32)), retention: { days: 0.01 }, workers: Number(workersArg) });
const text = pseudoText(1, PIECE);
const inHash = createHash("sha256");
async function* source() {
  for (let off = 0, i = 0; off < TOTAL; off += PIECE, i++) {
    const piece = i % 4 === 3 ? Buffer.concat([text.subarray(0, PIECE - 8), Buffer.from(i.toString().padStart(8))]) : randomBytes(PIECE);
    inHash.update(piece);
    yield piece;
    await Promise.resolve();
  }
}
let t = performance.now();
const w = await vault.startSnapshot({ source: "m", unit: "u", startedAt: new Date(), retainUntil: new Date(Date.now() + 600_000) });
await w.putItem("big", source());
const id = await w.commit();
const tin = (performance.now() - t) / 1000;
t = performance.now();
const outHash = createHash("sha256");
for await (const c of vault.readItem(id, "big")) outHash.update(c);
const tout = (performance.now() - t) / 1000;
clearInterval(timer);
await vault.close();
if (outHash.digest("hex") !== inHash.digest("hex")) throw new Error("restore differs");
console.log(
  `workers=${workersArg} ${mibArg} MiB: ingest ${(TOTAL / 2 ** 20 / tin).toFixed(0)} MiB/s, restore ${(TOTAL / 2 ** 20 / tout).toFixed(0)} MiB/s, ` +
    `stored ${(w.stats.bytesUploaded / 2 ** 20).toFixed(0)} MiB, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (baseline ${(base / 2 ** 20).toFixed(0)} MiB; peak arrayBuffers ${(peakAb / 2 ** 20).toFixed(0)} MiB, heap ${(peakHeap / 2 ** 20).toFixed(0)} MiB)`,
);
process.exit(0);
