"use client";
import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { Icon, Logo } from "../icons";
import { useModalDialog } from "../ui/use-modal-dialog";

/** The sidebar as a modal drawer below the lg breakpoint. */
export function MobileNav({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const ref = useModalDialog(open);
  const pathname = usePathname();

  useEffect(() => {
    setOpen(false);
  }, [pathname]);

  return (
    <>
      <button type="button" onClick={() => setOpen(true)} aria-label="Open navigation" aria-expanded={open} className="-ml-2 rounded-lg p-2 text-slate-700 hover:bg-slate-100">
        <Icon name="menu" className="size-6" />
      </button>
      <dialog
        ref={ref}
        aria-label="Navigation"
        onClose={() => setOpen(false)}
        onClick={(e) => {
          if (e.target === ref.current) setOpen(false);
        }}
        className="m-0 h-dvh max-h-none w-[min(20rem,85vw)] max-w-none bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        {open ? (
          <div className="flex h-full flex-col gap-6 p-4">
            <div className="flex items-center justify-between">
              <Logo />
              <button type="button" onClick={() => setOpen(false)} aria-label="Close navigation" className="rounded-lg p-2 text-slate-600 hover:bg-slate-100">
                <Icon name="close" className="size-5" />
              </button>
            </div>
            {children}
          </div>
        ) : null}
      </dialog>
    </>
  );
}
