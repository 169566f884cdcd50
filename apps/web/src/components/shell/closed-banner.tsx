import { Icon } from "~/components/icons";
import { LocalTime } from "~/components/ui/local-time";

/**
 * Across the top of every page of a closed organisation. Not a live region (it is there from the
 * first paint): a named region, so screen-reader users can find it; no heading, so it does not
 * come before the page's own h1.
 */
export function ClosedBanner({ closedAt }: { closedAt: string }) {
  return (
    <section aria-label="Organisation closed" className="mb-6 flex gap-3 rounded-lg bg-slate-100 p-4 text-sm text-slate-900 ring-1 ring-inset ring-slate-300">
      <Icon name="lock" className="mt-0.5 size-5 shrink-0 text-slate-600" />
      <div className="min-w-0 flex-1 break-words">
        <p className="font-semibold">
          This organisation was closed on <LocalTime iso={closedAt} mode="date" />.
        </p>
        <p className="mt-1">Its backups can be browsed and exported until their retention ends. Nothing new is backed up, and no source can be connected, no one invited and no API key created.</p>
      </div>
    </section>
  );
}
