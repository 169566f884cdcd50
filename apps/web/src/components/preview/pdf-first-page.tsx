"use client";

// The first page of a PDF, drawn by pdf.js into a <canvas>. The PDF is fetched from our preview
// route (served with a sandbox CSP) and parsed in pdf.js's worker, which is bundled and served from
// our own origin. pdf.js never compiles code from the document (isEvalSupported: false), does
// not render XFA forms, and never runs a PDF's JavaScript (its scripting sandbox is not loaded).
import { useEffect, useRef, useState } from "react";
import { Spinner } from "~/components/ui/spinner";
import { previewErrorMessage } from "./preview-error";

export function PdfFirstPage({ url, name, onError }: { url: string; name: string; onError: (message: string) => void }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const [pages, setPages] = useState<number | null>(null);
  // The latest callback, without redrawing the page each time the parent renders.
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  });

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => Promise<void>) | undefined;
    const ctrl = new AbortController();
    setPages(null);
    void (async () => {
      try {
        const pdfjs = await import("pdfjs-dist");
        pdfjs.GlobalWorkerOptions.workerSrc = new URL("pdfjs-dist/build/pdf.worker.min.mjs", import.meta.url).toString();
        const res = await fetch(url, { signal: ctrl.signal, cache: "no-store", credentials: "same-origin" });
        if (!res.ok) {
          if (!cancelled) onErrorRef.current(await previewErrorMessage(res));
          return;
        }
        const data = new Uint8Array(await res.arrayBuffer());
        const task = pdfjs.getDocument({ data, isEvalSupported: false, enableXfa: false });
        destroy = () => task.destroy();
        const doc = await task.promise;
        const page = await doc.getPage(1);
        const canvas = canvasRef.current;
        if (cancelled || !canvas) return;
        const width = Math.max(200, boxRef.current?.clientWidth ?? 800);
        const natural = page.getViewport({ scale: 1 });
        const cssScale = Math.min(2, width / natural.width);
        const ratio = Math.min(window.devicePixelRatio || 1, 3);
        const viewport = page.getViewport({ scale: cssScale * ratio });
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
        canvas.style.aspectRatio = `${viewport.width} / ${viewport.height}`;
        await page.render({ canvas, viewport }).promise;
        if (!cancelled) setPages(doc.numPages);
      } catch (e) {
        if (cancelled) return;
        onErrorRef.current(e instanceof Error && e.name === "InvalidPDFException" ? "This PDF is damaged or not a PDF. Download it to open it." : "The PDF could not be shown. Download it to open it.");
      }
    })();
    return () => {
      cancelled = true;
      ctrl.abort();
      void destroy?.();
    };
  }, [url]);

  return (
    <figure className="m-0 rounded-lg bg-slate-50 p-2 ring-1 ring-slate-200">
      <div ref={boxRef} className="relative flex min-h-40 justify-center overflow-hidden">
        <canvas ref={canvasRef} role="img" aria-label={`First page of ${name}`} className="max-w-full bg-white shadow-sm" />
        {pages === null ? (
          <div role="status" aria-live="polite" className="absolute inset-0 flex items-center justify-center gap-3 text-sm text-slate-600">
            <Spinner className="size-5 text-brand-700" />
            <span>Drawing the first page…</span>
          </div>
        ) : null}
      </div>
      {pages !== null ? <figcaption className="mt-2 text-center text-sm text-slate-600">Page 1 of {pages}</figcaption> : null}
    </figure>
  );
}
