export { exportArchive, type ExportArchive, type ExportArchiveOptions } from "./export";
export { ExportFormat, ExportRef, ItemExportError, type ExportReport, type ItemOutcome } from "./outcome";
export { REPORT_ENTRY } from "./zip";
export { toVEvent, graphRrule, EventFormatError } from "./ics";
export { toVCard, ContactFormatError } from "./vcf";
export { parseMboxrd, MboxrdQuoter } from "./mbox";
export { sanitiseSegment, sanitisePath, EntryNamer } from "./names";
