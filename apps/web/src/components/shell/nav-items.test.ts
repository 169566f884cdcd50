import { describe, expect, it } from "vitest";
import { navItems } from "./nav-items";

const labels = (items: { label: string }[]) => items.map((i) => i.label);

describe("navItems", () => {
  it("gives a self-service person only their data, search and jobs, whatever role the row carries", () => {
    for (const role of ["viewer", "owner"] as const) {
      const items = navItems("org-1", { role, selfService: true });
      expect(labels(items)).toEqual(["My data", "Search", "Jobs"]);
      expect(items.map((i) => i.href)).toEqual(["/o/org-1/browse", "/o/org-1/search", "/o/org-1/jobs"]);
    }
  });

  it("offers Settings to admins and owners only", () => {
    expect(labels(navItems("o", { role: "viewer", selfService: false }))).not.toContain("Settings");
    expect(labels(navItems("o", { role: "operator", selfService: false }))).not.toContain("Settings");
    expect(navItems("o", { role: "admin", selfService: false }).find((i) => i.label === "Settings")?.href).toBe("/o/o/settings");
    expect(labels(navItems("o", { role: "owner", selfService: false }))).toContain("Settings");
  });

  it("keeps the member sections for members", () => {
    expect(labels(navItems("o", { role: "viewer", selfService: false }))).toEqual(["Overview", "Sources", "Browse & restore", "Jobs", "Retention", "Requests", "Members", "API keys", "Audit log"]);
  });

  it("offers Retention to members of every role, right after Jobs, and never to self-service", () => {
    for (const role of ["viewer", "operator", "admin", "owner"] as const) {
      const items = navItems("o", { role, selfService: false });
      expect(items.find((i) => i.label === "Retention")?.href).toBe("/o/o/retention");
      expect(labels(items).indexOf("Retention")).toBe(labels(items).indexOf("Jobs") + 1);
      expect(labels(navItems("o", { role, selfService: true }))).not.toContain("Retention");
    }
  });

  it("offers Requests to members of every role, and never to self-service", () => {
    for (const role of ["viewer", "operator", "admin", "owner"] as const) {
      expect(navItems("o", { role, selfService: false }).find((i) => i.label === "Requests")?.href).toBe("/o/o/requests");
      expect(labels(navItems("o", { role, selfService: true }))).not.toContain("Requests");
    }
  });
});
