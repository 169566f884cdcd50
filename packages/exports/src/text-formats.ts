// Single-file exports: one mboxrd mailbox, one VCALENDAR, one vCard file. Written item by item
// as the reader pulls; the per-item report goes to `onItem` and the returned promise (a single
// file has no room for a manifest entry of its own).
import { Readable } from "node:stream";
import type { Vault } from "@holdfast/vault";
import { foldAll, icsFooter, icsHeader, toVEvent, utcStamp } from "./ics";
import { itemName } from "./meta";
import { fromLine, mboxrdMessage } from "./mbox";
import { ItemExportError, reasonOf, type ExportRef, type ExportReport, type ItemOutcome } from "./outcome";
import { Recorder } from "./report";
import { openBody, openItem, readSmall } from "./source";
import { toVCard } from "./vcf";
import { vtimezone } from "./vtimezone";

/** Events and contacts are small JSON; anything bigger is not one. */
const MAX_JSON = 16 * 1024 * 1024;

export interface TextExportOptions {
  vault: Vault;
  refs: readonly ExportRef[];
  format: "mbox" | "ics" | "vcf";
  now: () => Date;
  onItem?: (o: ItemOutcome) => void;
}

const KIND = { mbox: "message", ics: "event", vcf: "contact" } as const;

function isIana(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function textExport(opts: TextExportOptions): { stream: Readable; report: Promise<ExportReport> } {
  const recorder = new Recorder(opts.format, opts.refs, opts.now, opts.onItem);
  let resolveReport!: (r: ExportReport) => void;
  const report = new Promise<ExportReport>((resolve) => (resolveReport = resolve));
  const zones = new Map<string, Set<number>>();
  const dtstamp = utcStamp(opts.now().toISOString());

  async function* one(ref: ExportRef): AsyncGenerator<Uint8Array, ItemOutcome> {
    const { meta } = await openItem(opts.vault, ref);
    const base = { ref, kind: meta.kind, name: itemName(meta, ref.vaultPath) };
    const want = KIND[opts.format];
    // A folder in the selection (a mailbox's folders, a calendar) has no bytes of its own in a
    // single-file format: its contents are the items exported beside it.
    if (meta.kind === "folder") return { ...base, status: "exported", bytes: 0 };
    if (meta.kind !== want) throw new ItemExportError(`not a ${want} (kind ${meta.kind}); ${opts.format} exports ${want}s only`);
    if (opts.format === "mbox") {
      const body = await openBody(opts.vault, ref);
      yield Buffer.from(fromLine(meta.metadata, meta.modifiedAt), "latin1");
      yield* mboxrdMessage(body.chunks);
      if (body.read.error !== undefined) return { ...base, status: "failed", reason: reasonOf(body.read.error), bytes: body.read.bytes, partial: true };
      return { ...base, status: "exported", bytes: body.read.bytes };
    }
    const raw = await readSmall(opts.vault, ref, MAX_JSON);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new ItemExportError(`the stored ${want} is not JSON`);
    }
    if (opts.format === "ics") {
      const ev = toVEvent(json, dtstamp);
      const year = Number(/^DTSTART[^:]*:(\d{4})/m.exec(ev.lines.join("\n"))?.[1] ?? opts.now().getUTCFullYear());
      for (const z of ev.zones) {
        if (!zones.has(z)) zones.set(z, new Set());
        zones.get(z)?.add(year);
      }
      yield Buffer.from(foldAll(ev.lines), "utf8");
    } else {
      yield Buffer.from(foldAll(toVCard(json)), "utf8");
    }
    return { ...base, status: "exported", bytes: raw.length };
  }

  async function* all(): AsyncGenerator<Uint8Array> {
    try {
      if (opts.format === "ics") yield Buffer.from(icsHeader(), "utf8");
      for (const ref of opts.refs) {
        let outcome: ItemOutcome;
        try {
          outcome = yield* one(ref);
        } catch (e) {
          outcome = { ref, status: "failed", reason: reasonOf(e), bytes: 0 };
        }
        recorder.record(outcome);
      }
      if (opts.format === "ics") {
        const tz: string[] = [];
        for (const [zone, years] of zones) if (isIana(zone)) tz.push(...vtimezone(zone, [...years]));
        yield Buffer.from(foldAll(tz) + icsFooter(), "utf8");
      }
    } finally {
      resolveReport(recorder.finish());
    }
  }

  return { stream: Readable.from(all(), { objectMode: false, highWaterMark: 256 * 1024 }), report };
}
