"use client";

// A safe preview of one backed-up item version (rules: docs/console-preview.md). The bytes are
// read out of the vault by the worker first ("prepare"), then shown: mail and text as a rendered
// document in an iframe with an empty sandbox (no scripts, no same-origin, no forms, no popups),
// images as <img>, a PDF's first page drawn by pdf.js, anything else as a download.
import type { ItemVersion } from "@holdfast/services";
import { useEffect, useState, type JSX } from "react";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClasses } from "~/components/ui/button";
import { EmptyState } from "~/components/ui/empty-state";
import { Spinner } from "~/components/ui/spinner";
import { formatBytes, PREVIEW_MAX_BYTES, previewTypeOf } from "~/lib/preview";
import { PdfFirstPage } from "./pdf-first-page";
import { previewErrorMessage } from "./preview-error";

export interface ItemPreviewProps {
  orgId: string;
  itemId: string;
  version: ItemVersion;
}

/** How long the page keeps asking the worker before it gives up (the export itself carries on). */
const PREPARE_GIVE_UP_MS = 10 * 60_000;

function DownloadLink({ href, variant = "secondary" }: { href: string; variant?: "primary" | "secondary" }) {
  return (
    <a href={href} className={buttonClasses(variant, "sm")}>
      <Icon name="download" className="size-4" />
      Download
    </a>
  );
}

export function ItemPreview({ orgId, itemId, version }: ItemPreviewProps): JSX.Element {
  const type = previewTypeOf(version);
  const base = `/o/${encodeURIComponent(orgId)}/items/${encodeURIComponent(itemId)}`;
  const q = `version=${encodeURIComponent(version.id)}`;
  const contentUrl = `${base}/content?${q}`;
  const label = `Preview of ${version.name || "the item"}`;

  let inner: JSX.Element;
  if (type === "none") {
    inner = (
      <EmptyState icon="document" title="No preview for this type of item" actions={<DownloadLink href={contentUrl} variant="primary" />}>
        Download it to open it in the program it belongs to.
      </EmptyState>
    );
  } else if (version.size !== null && version.size > PREVIEW_MAX_BYTES) {
    inner = (
      <EmptyState icon="document" title="Too large to preview" actions={<DownloadLink href={contentUrl} variant="primary" />}>
        This version is {formatBytes(version.size)}; previews are limited to {formatBytes(PREVIEW_MAX_BYTES)}.
      </EmptyState>
    );
  } else {
    inner = <LivePreview key={version.id} type={type} previewBase={`${base}/preview?${q}`} contentUrl={contentUrl} name={version.name} label={label} />;
  }
  return (
    <div role="region" aria-label={label} className="min-w-0">
      {inner}
    </div>
  );
}

type Phase = { state: "preparing" } | { state: "ready"; timeZone: string } | { state: "error"; message: string };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    });
  });
}

function LivePreview({ type, previewBase, contentUrl, name, label }: { type: "mail" | "text" | "image" | "pdf"; previewBase: string; contentUrl: string; name: string; label: string }) {
  const [phase, setPhase] = useState<Phase>({ state: "preparing" });
  const [attempt, setAttempt] = useState(0);
  const [shown, setShown] = useState(false);

  useEffect(() => {
    const ctrl = new AbortController();
    setPhase({ state: "preparing" });
    setShown(false);
    const started = Date.now();
    void (async () => {
      try {
        for (;;) {
          const res = await fetch(`${previewBase}&prepare=1`, { signal: ctrl.signal, cache: "no-store", credentials: "same-origin" });
          if (res.status === 204) {
            setPhase({ state: "ready", timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" });
            return;
          }
          if (res.status !== 202) {
            setPhase({ state: "error", message: await previewErrorMessage(res) });
            return;
          }
          if (Date.now() - started > PREPARE_GIVE_UP_MS) {
            setPhase({ state: "error", message: "Reading the item out of the vault is taking longer than usual. Try again in a few minutes." });
            return;
          }
          await sleep(1500, ctrl.signal);
        }
      } catch (e) {
        if (ctrl.signal.aborted) return;
        setPhase({ state: "error", message: e instanceof Error && e.message ? `The preview could not be loaded: ${e.message}` : "The preview could not be loaded." });
      }
    })();
    return () => ctrl.abort();
  }, [previewBase, attempt]);

  const fail = (message: string) => setPhase({ state: "error", message });

  if (phase.state === "error") {
    return (
      <Alert
        tone="danger"
        title="No preview"
        actions={
          <>
            <Button variant="secondary" size="sm" onClick={() => setAttempt((n) => n + 1)}>
              <Icon name="refresh" className="size-4" />
              Try again
            </Button>
            <DownloadLink href={contentUrl} />
          </>
        }
      >
        {phase.message}
      </Alert>
    );
  }

  const waiting = (
    <div role="status" aria-live="polite" className="flex items-center justify-center gap-3 px-4 py-12 text-sm text-slate-600">
      <Spinner className="size-5 text-brand-700" />
      <span>Preparing the preview — reading it out of the vault…</span>
    </div>
  );
  if (phase.state === "preparing") return <div className="rounded-lg bg-slate-50 ring-1 ring-slate-200">{waiting}</div>;

  if (type === "pdf") return <PdfFirstPage url={`${previewBase}&as=pdf`} name={name} onError={fail} />;

  if (type === "image") {
    return (
      <div className="flex justify-center rounded-lg bg-slate-50 p-2 ring-1 ring-slate-200">
        {!shown ? <span className="sr-only">Loading the image…</span> : null}
        {/* Plain <img>: the bytes come from our own route with their real type; nothing to optimise. */}
        <img src={previewBase} alt={label} className="h-auto max-h-[70vh] max-w-full object-contain" onLoad={() => setShown(true)} onError={() => fail("The image could not be shown. Download it to open it.")} referrerPolicy="no-referrer" />
      </div>
    );
  }

  return (
    <div className="relative overflow-hidden rounded-lg bg-white ring-1 ring-slate-200">
      <iframe
        // Empty sandbox: no scripts, an opaque origin, no forms, no popups, no top navigation.
        sandbox=""
        title={label}
        src={`${previewBase}&tz=${encodeURIComponent(phase.timeZone)}`}
        referrerPolicy="no-referrer"
        className="block h-[70vh] min-h-80 w-full border-0"
        onLoad={() => setShown(true)}
      />
      {!shown ? <div className="absolute inset-0 bg-white">{waiting}</div> : null}
    </div>
  );
}
