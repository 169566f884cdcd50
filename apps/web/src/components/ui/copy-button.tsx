"use client";
import { useEffect, useState } from "react";
import { Icon } from "../icons";
import { Button, type ButtonSize, type ButtonVariant } from "./button";

/** Copies `value`; falls back to selecting the text of `fallbackInputId` where the clipboard API is unavailable. */
export function CopyButton({ value, label = "Copy", fallbackInputId, variant = "secondary", size = "md" }: { value: string; label?: string; fallbackInputId?: string; variant?: ButtonVariant; size?: ButtonSize }) {
  const [state, setState] = useState<"idle" | "copied" | "manual">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const t = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(t);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      const input = fallbackInputId ? document.getElementById(fallbackInputId) : null;
      if (input instanceof HTMLInputElement) input.select();
      setState("manual");
    }
  }

  return (
    <>
      <Button variant={variant} size={size} onClick={() => void copy()} aria-label={state === "copied" ? "Copied" : label}>
        <Icon name={state === "copied" ? "check" : "copy"} className="size-4" />
        {state === "copied" ? "Copied" : label}
      </Button>
      <span role="status" aria-live="polite" className="sr-only">
        {state === "copied" ? "Copied to the clipboard" : state === "manual" ? "Press Ctrl+C or Cmd+C to copy the selected text" : ""}
      </span>
    </>
  );
}
