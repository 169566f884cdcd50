"use client";
import { useId, type ReactNode } from "react";
import { usePopover } from "./use-popover";

/**
 * A button that shows and hides the panel below or above it (see usePopover for how it closes).
 * `label` names the button when its content does not; the panel gets `close` for its links.
 */
export function Popover({ button, buttonClassName, label, panelClassName, children }: { button: ReactNode; buttonClassName: string; label?: string; panelClassName: string; children: (close: () => void) => ReactNode }) {
  const { open, toggle, close, rootRef, buttonRef } = usePopover();
  const panelId = useId();
  return (
    <div ref={rootRef} className="relative">
      <button ref={buttonRef} type="button" onClick={toggle} aria-expanded={open} aria-controls={panelId} aria-label={label} className={buttonClassName}>
        {button}
      </button>
      {open ? (
        <div id={panelId} className={panelClassName}>
          {children(() => close())}
        </div>
      ) : null}
    </div>
  );
}
