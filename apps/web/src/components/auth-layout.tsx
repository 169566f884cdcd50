import Link from "next/link";
import type { ReactNode } from "react";
import { Icon, Logo, type IconName } from "./icons";

const POINTS: { icon: IconName; title: string; body: string }[] = [
  { icon: "lock", title: "Nobody can delete a backup early", body: "Snapshots are locked in compliance mode. Not an intruder, not a stolen key, not us." },
  { icon: "cloud", title: "A second location, always", body: "Your vault lives at a different provider from the data it protects." },
  { icon: "shield", title: "Restore it yourself", body: "Items, folders or whole accounts, as of any point in time." },
];

/** The signed-out frame: a form on the right, what Holdfast promises on the left (wide screens only). */
export function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh">
      <aside className="relative hidden w-[44%] max-w-2xl flex-col justify-between overflow-hidden bg-brand-950 p-12 text-white lg:flex">
        <div aria-hidden="true" className="absolute inset-0 bg-[radial-gradient(ellipse_at_top_left,rgba(76,175,163,0.35),transparent_60%)]" />
        <div className="relative flex items-center gap-2.5">
          <span className="flex size-9 items-center justify-center rounded-lg bg-white/10 ring-1 ring-white/20">
            <svg viewBox="0 0 32 32" aria-hidden="true" className="size-6">
              <g fill="none" stroke="white" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round">
                <circle cx="16" cy="8.5" r="2.5" />
                <path d="M16 11v14M11.5 15h9M8.5 18.5c.8 3.9 3.9 6.5 7.5 6.5s6.7-2.6 7.5-6.5" />
              </g>
            </svg>
          </span>
          <span className="text-lg font-semibold tracking-tight">Holdfast</span>
        </div>
        <div className="relative">
          <p className="text-3xl leading-tight font-semibold tracking-tight xl:text-4xl">Backups that outlast the worst day your cloud account will ever have.</p>
          <ul className="mt-10 space-y-6">
            {POINTS.map((p) => (
              <li key={p.title} className="flex gap-4">
                <span className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-white/10 ring-1 ring-white/15">
                  <Icon name={p.icon} className="size-5 text-brand-200" />
                </span>
                <span>
                  <span className="block font-medium">{p.title}</span>
                  <span className="mt-0.5 block text-sm text-brand-100/80">{p.body}</span>
                </span>
              </li>
            ))}
          </ul>
        </div>
        <p className="relative text-sm text-brand-100/60">Google Workspace · Microsoft 365 · Salesforce · AWS</p>
      </aside>
      <main className="flex flex-1 flex-col items-center justify-center px-4 py-10 sm:px-6">
        <div className="w-full max-w-sm">
          <Link href="/" className="mb-8 inline-flex rounded-md lg:hidden" aria-label="Holdfast home">
            <Logo />
          </Link>
          {children}
        </div>
      </main>
    </div>
  );
}

export function AuthCard({ title, description, children, footer }: { title: string; description?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
      {description ? <p className="mt-2 text-sm text-slate-600">{description}</p> : null}
      <div className="mt-8">{children}</div>
      {footer ? <div className="mt-8 text-sm text-slate-600">{footer}</div> : null}
    </div>
  );
}
