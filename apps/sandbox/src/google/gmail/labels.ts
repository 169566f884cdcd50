// Gmail labels (https://developers.google.com/gmail/api/guides/labels): system labels have
// fixed upper-case ids equal to their names; user labels have ids "Label_<n>".
import { Rng } from "../../data/random";

export interface GmailLabel {
  id: string;
  name: string;
  type: "system" | "user";
  messageListVisibility?: "show" | "hide";
  labelListVisibility?: "labelShow" | "labelShowIfUnread" | "labelHide";
}

export const SYSTEM_LABELS: GmailLabel[] = [
  { id: "CHAT", name: "CHAT", type: "system", messageListVisibility: "hide", labelListVisibility: "labelHide" },
  { id: "SENT", name: "SENT", type: "system" },
  { id: "INBOX", name: "INBOX", type: "system" },
  { id: "IMPORTANT", name: "IMPORTANT", type: "system", messageListVisibility: "hide", labelListVisibility: "labelHide" },
  { id: "TRASH", name: "TRASH", type: "system", messageListVisibility: "hide", labelListVisibility: "labelHide" },
  { id: "DRAFT", name: "DRAFT", type: "system" },
  { id: "SPAM", name: "SPAM", type: "system", messageListVisibility: "hide", labelListVisibility: "labelHide" },
  { id: "CATEGORY_FORUMS", name: "CATEGORY_FORUMS", type: "system" },
  { id: "CATEGORY_UPDATES", name: "CATEGORY_UPDATES", type: "system" },
  { id: "CATEGORY_PERSONAL", name: "CATEGORY_PERSONAL", type: "system" },
  { id: "CATEGORY_PROMOTIONS", name: "CATEGORY_PROMOTIONS", type: "system" },
  { id: "CATEGORY_SOCIAL", name: "CATEGORY_SOCIAL", type: "system" },
  { id: "STARRED", name: "STARRED", type: "system" },
  { id: "UNREAD", name: "UNREAD", type: "system" },
];

export const MESSAGE_LIST_VISIBILITY = ["show", "hide"] as const;
export const LABEL_LIST_VISIBILITY = ["labelShow", "labelShowIfUnread", "labelHide"] as const;

/** The writable fields of a user label (users.labels.create / patch / update). */
export interface LabelInput {
  name?: string;
  messageListVisibility?: (typeof MESSAGE_LIST_VISIBILITY)[number];
  labelListVisibility?: (typeof LABEL_LIST_VISIBILITY)[number];
}

/** A label operation Gmail refuses; the routes map `conflict` to 409 ABORTED. */
export class LabelError extends Error {
  constructor(
    readonly kind: "conflict",
    message: string,
  ) {
    super(message);
  }
}

export const SYSTEM_LABEL_IDS = new Set(SYSTEM_LABELS.map((l) => l.id));

const USER_LABEL_NAMES = [
  "Receipts", "Travel", "Work", "Family", "Finance", "Newsletters", "Projects", "Projects/Apollo", "Projects/Hermes",
  "Lists", "Lists/exmh", "Lists/razor", "Lists/spamassassin", "Clients", "Legal", "HR", "Invoices", "Archive/2002",
];

/** 3–8 user labels per mailbox, deterministic from (seed, user). */
export function userLabels(seed: number, userIndex: number): GmailLabel[] {
  const rng = Rng.from("labels", seed, userIndex);
  const n = 3 + rng.int(6);
  const names = [...USER_LABEL_NAMES];
  const out: GmailLabel[] = [];
  for (let i = 0; i < n && names.length; i++) {
    const [name] = names.splice(rng.int(names.length), 1);
    if (name) out.push({ id: `Label_${i + 1}`, name, type: "user", messageListVisibility: "show", labelListVisibility: "labelShow" });
  }
  return out;
}
