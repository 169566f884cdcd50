// The corpus and its mutation must come out identical on every run: two benchmark runs (and
// restic vs ours) are only comparable on the same bytes.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rng } from "./rng";
import { buildCorpus, mutateCorpus, type CorpusSpec } from "./corpus";
import { diffTrees, hashTree } from "./tree";

let dir: string;
const spec = (root: string): CorpusSpec => ({
  root,
  realBytes: 300_000,
  randomBytes: 200_000,
  sources: [{ label: "src", dir: join(dir, "source") }],
  seed: "test",
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hf-corpus-"));
  const rng = new Rng("source");
  for (let i = 0; i < 120; i++) {
    const sub = join(dir, "source", `d${i % 7}`);
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `f${i}.txt`), `line ${i}\n`.repeat(rng.int(10, 600)));
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("corpus", () => {
  it("builds the same tree twice, within budget", async () => {
    const a = await buildCorpus(spec(join(dir, "a")));
    const b = await buildCorpus(spec(join(dir, "b")));
    expect(a).toEqual(b);
    expect(a.bySource.src?.bytes).toBeLessThanOrEqual(300_000);
    expect(a.bySource.random?.bytes).toBe(200_000);
    const [ha, hb] = [await hashTree(join(dir, "a")), await hashTree(join(dir, "b"))];
    expect(ha.digest).toBe(hb.digest);
  });

  it("mutates ~5% the same way every time", async () => {
    const ra = await mutateCorpus(join(dir, "a"), "test");
    const rb = await mutateCorpus(join(dir, "b"), "test");
    expect(ra).toEqual(rb);
    expect(ra.fraction).toBeGreaterThan(0.03);
    expect(ra.fraction).toBeLessThan(0.12);
    expect(ra.edited.files && ra.appended.files && ra.added.files && ra.deleted.files).toBeGreaterThan(0);
    const [ha, hb] = [await hashTree(join(dir, "a")), await hashTree(join(dir, "b"))];
    expect(diffTrees(ha, hb)).toEqual({ missing: [], extra: [], differ: [] });
  });
});
