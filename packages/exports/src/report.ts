// Collects each item's outcome as the export goes, and tells the caller about each one.
import type { ExportFormat, ExportRef, ExportReport, ItemOutcome } from "./outcome";

export const STOPPED = "the export stopped before this item (the download was cancelled or failed)";

export class Recorder {
  readonly #items: ItemOutcome[] = [];
  readonly #startedAt: string;

  constructor(
    private readonly format: ExportFormat,
    private readonly refs: readonly ExportRef[],
    private readonly now: () => Date,
    private readonly onItem?: (o: ItemOutcome) => void,
  ) {
    this.#startedAt = now().toISOString();
  }

  get done(): number {
    return this.#items.length;
  }

  record(o: ItemOutcome): void {
    this.#items.push(o);
    this.onItem?.(o);
  }

  /** The report; items never reached are recorded as failed, so none is left out. */
  finish(): ExportReport {
    for (let i = this.#items.length; i < this.refs.length; i++) this.record({ ref: this.refs[i] as ExportRef, status: "failed", reason: STOPPED, bytes: 0 });
    const exported = this.#items.filter((i) => i.status === "exported").length;
    return {
      format: this.format,
      startedAt: this.#startedAt,
      finishedAt: this.now().toISOString(),
      requested: this.refs.length,
      exported,
      failed: this.#items.length - exported,
      items: this.#items,
    };
  }
}
