import type { ReactNode } from "react";
import { cn } from "~/lib/cn";
import { Icon, type IconName } from "../icons";

type Tone = "info" | "success" | "warning" | "danger";

const TONE: Record<Tone, { box: string; icon: IconName; iconColor: string }> = {
  info: { box: "bg-sky-50 text-sky-900 ring-sky-200", icon: "info", iconColor: "text-sky-600" },
  success: { box: "bg-emerald-50 text-emerald-900 ring-emerald-200", icon: "checkCircle", iconColor: "text-emerald-600" },
  warning: { box: "bg-amber-50 text-amber-900 ring-amber-200", icon: "warning", iconColor: "text-amber-600" },
  danger: { box: "bg-red-50 text-red-900 ring-red-200", icon: "xCircle", iconColor: "text-red-600" },
};

/** Errors are announced assertively (role=alert), everything else politely. */
export function Alert({ tone = "info", title, children, className, actions }: { tone?: Tone; title?: ReactNode; children?: ReactNode; className?: string; actions?: ReactNode }) {
  const t = TONE[tone];
  return (
    <div role={tone === "danger" ? "alert" : "status"} className={cn("flex gap-3 rounded-lg p-4 text-sm ring-1 ring-inset", t.box, className)}>
      <Icon name={t.icon} className={cn("mt-0.5 size-5 shrink-0", t.iconColor)} />
      <div className="min-w-0 flex-1">
        {title ? <p className="font-semibold">{title}</p> : null}
        {children ? <div className={cn(title ? "mt-1" : "", "break-words")}>{children}</div> : null}
        {actions ? <div className="mt-3 flex flex-wrap gap-2">{actions}</div> : null}
      </div>
    </div>
  );
}
