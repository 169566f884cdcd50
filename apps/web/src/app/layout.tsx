import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { HydrationMark } from "~/components/hydration-mark";
import { TRPCReactProvider } from "~/trpc/react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Holdfast", template: "%s · Holdfast" },
  description: "Immutable, off-provider backups for Google Workspace, Microsoft 365, Salesforce and AWS.",
  robots: { index: false, follow: false },
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#1f5f5a" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en-GB">
      <body className="min-h-dvh font-sans">
        <TRPCReactProvider>{children}</TRPCReactProvider>
        <HydrationMark />
      </body>
    </html>
  );
}
