import { describe, expect, it } from "vitest";
import {
  defaultCopyFolder,
  fromLocalInput,
  isWholeUnit,
  jobRates,
  jobStatus,
  jobTitle,
  normalisePath,
  outcomeWord,
  parseWizardQuery,
  reviewSentence,
  toLocalInput,
  wizardHref,
} from "./jobs";

const unit = "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716";
const other = "0b7d3c1e-6f7a-4c5b-9d3e-2a1b0c9d8e7f";
const item1 = "11111111-1111-4111-8111-111111111111";
const item2 = "22222222-2222-4222-8222-222222222222";

describe("job words", () => {
  it("uses exactly the six status words, folding backup-only statuses in", () => {
    const words = ["queued", "running", "completed", "completed_with_errors", "failed", "cancelled", "completed_with_warnings", "pending"].map((s) => jobStatus(s).label);
    expect(new Set(words)).toEqual(new Set(["Queued", "Running", "Completed", "Completed with errors", "Failed", "Cancelled"]));
    expect(jobStatus("completed_with_warnings").label).toBe("Completed with errors");
    expect(jobStatus("failed").tone).toBe("danger");
    expect(jobStatus("something-new").label).toBe("something-new");
  });

  it("names each item outcome with the contract's word", () => {
    expect(["created", "replaced", "copied", "skipped", "failed", "exported"].map(outcomeWord)).toEqual(["Restored", "Replaced", "Copied", "Skipped", "Failed", "Exported"]);
  });

  it("titles a job by its subject", () => {
    expect(jobTitle("restore", "alice@example.com")).toBe("Restore of alice@example.com");
    expect(jobTitle("backup", "Example Ltd")).toBe("Backup of Example Ltd");
    expect(jobTitle("export", null)).toBe("Export");
  });

});

describe("jobRates", () => {
  const start = "2026-11-28T10:00:00.000Z";
  const t = (s: number) => Date.parse(start) + s * 1000;

  it("derives rate and time left when the total is known", () => {
    const r = jobRates({ progress: { itemsDone: 50, itemsTotal: 200, bytesDone: 5_000_000 }, startedAt: start, finishedAt: null }, t(100));
    expect(r.fraction).toBe(0.25);
    expect(r.itemsPerSecond).toBe(0.5);
    expect(r.bytesPerSecond).toBe(50_000);
    expect(r.secondsLeft).toBe(300);
  });

  it("does not invent a total, a rate before a second has passed, or time left once finished", () => {
    expect(jobRates({ progress: { itemsDone: 10, bytesDone: 0 }, startedAt: start, finishedAt: null }, t(10))).toEqual({ fraction: null, itemsPerSecond: 1, bytesPerSecond: null, secondsLeft: null });
    expect(jobRates({ progress: { itemsDone: 0, bytesDone: 0 }, startedAt: start, finishedAt: null }, t(0.5)).itemsPerSecond).toBeNull();
    const done = jobRates({ progress: { itemsDone: 40, itemsTotal: 40, bytesDone: 0 }, startedAt: start, finishedAt: new Date(t(20)).toISOString() }, t(1000));
    expect(done).toMatchObject({ fraction: 1, itemsPerSecond: 2, secondsLeft: null });
    expect(jobRates({ progress: { itemsDone: 0, itemsTotal: 0, bytesDone: 0 }, startedAt: start, finishedAt: start }, t(5)).fraction).toBe(1);
  });
});

describe("the wizard's query", () => {
  it("reads a selection from browse's link", () => {
    const q = parseWizardQuery(new URLSearchParams(`unit=${unit}&asOf=2026-11-28T14:05:09.123Z&item=${item1}&item=${item2}&item=${item1}&path=/Inbox/&path=//Work//2026&mode=restore`));
    expect(q).toEqual({
      unitId: unit,
      asOf: "2026-11-28T14:05:09.123Z",
      items: [item1, item2],
      paths: ["/Inbox", "/Work/2026"],
      mode: "restore",
      to: "original",
      target: null,
      format: null,
      conflict: "skip",
      copyFolder: null,
    });
  });

  it("drops what is malformed and makes export mean a download", () => {
    const q = parseWizardQuery({ unit: "not-a-uuid", asOf: "yesterday", item: ["x", item1], mode: "export", to: "unit", format: "exe", conflict: "explode" });
    expect(q).toMatchObject({ unitId: null, asOf: null, items: [item1], mode: "export", to: "download", format: null, conflict: "skip" });
    expect(parseWizardQuery({ mode: "restore", to: "download" }).to).toBe("original");
    expect(parseWizardQuery({ asOf: "2026-11-28T15:05:09+01:00" }).asOf).toBe("2026-11-28T14:05:09.000Z");
  });

  it("round-trips through the URL it builds", () => {
    const state = {
      unitId: unit,
      asOf: "2026-11-28T14:05:09.123Z",
      items: [item1],
      paths: ["/Inbox"],
      mode: "restore" as const,
      to: "unit" as const,
      target: other,
      format: null,
      conflict: "copy" as const,
      copyFolder: "Restored & checked",
    };
    const href = wizardHref("org-1", state);
    expect(href.startsWith("/o/org-1/restore?")).toBe(true);
    expect(parseWizardQuery(new URL(href, "http://x").searchParams)).toEqual(state);
    const exp = { ...state, mode: "export" as const, to: "download" as const, target: null, format: "mbox" as const, conflict: "skip" as const, copyFolder: null };
    expect(parseWizardQuery(new URL(wizardHref("org-1", exp), "http://x").searchParams)).toEqual(exp);
  });

  it("knows a whole-unit selection", () => {
    expect(isWholeUnit({ items: [], paths: [] })).toBe(true);
    expect(isWholeUnit({ items: [item1], paths: ["/"] })).toBe(true);
    expect(isWholeUnit({ items: [item1], paths: [] })).toBe(false);
    expect(normalisePath("  ")).toBeNull();
    expect(normalisePath("/")).toBe("/");
  });

  it("prefills the copy folder the way the services name it (no colon)", () => {
    expect(defaultCopyFolder("2026-11-28T14:05:09Z")).toBe("Restored by Holdfast (as of 2026-11-28 14.05 UTC)");
  });

  it("converts between a datetime-local value and an instant in the viewer's zone", () => {
    const iso = "2026-11-28T14:05:09.000Z";
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    expect(toLocalInput(iso)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(fromLocalInput("2026-11-28T14:05")).toBe(new Date(2026, 10, 28, 14, 5).toISOString());
    expect(fromLocalInput("2026-11-28")).toBeNull();
    expect(toLocalInput("nonsense")).toBe("");
  });
});

describe("reviewSentence", () => {
  const base = { unitName: "alice@example.com", asOfText: "28 Nov 2026, 14:05", mode: "restore" as const, to: "original" as const, conflict: "skip" as const };

  it("restates a restore to the original place", () => {
    expect(reviewSentence({ ...base, items: 3, paths: ["/Inbox"] })).toBe("Restore 3 items and 1 folder from alice@example.com as they were on 28 Nov 2026, 14:05 into the original location; existing items are skipped.");
    expect(reviewSentence({ ...base, items: 1, paths: [], conflict: "replace" })).toBe(
      "Restore 1 item from alice@example.com as they were on 28 Nov 2026, 14:05 into the original location; existing items are replaced by the backed-up versions.",
    );
    expect(reviewSentence({ ...base, items: 0, paths: [], conflict: "copy", copyFolder: "Copies" })).toBe(
      'Restore everything in alice@example.com as they were on 28 Nov 2026, 14:05 into the original location; existing items are kept and the backed-up versions are written to "Copies".',
    );
  });

  it("restates a restore into another account and an export", () => {
    expect(reviewSentence({ ...base, items: 0, paths: ["/a", "/b"], to: "unit", targetName: "bob@example.com", copyFolder: "Restored" })).toBe(
      'Restore 2 folders from alice@example.com as they were on 28 Nov 2026, 14:05 into bob@example.com, in the folder "Restored"; existing items are skipped.',
    );
    expect(reviewSentence({ ...base, mode: "export", to: "download", items: 2, paths: [], formatLabel: "MBOX file" })).toBe(
      "Export 2 items from alice@example.com as they were on 28 Nov 2026, 14:05 as a download (MBOX file).",
    );
  });
});
