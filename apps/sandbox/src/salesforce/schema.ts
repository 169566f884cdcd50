// The sObjects the sandbox emulates, as describe metadata: field names, types, references and the
// flags a replication client looks at (createable/updateable/externalId/idLookup), following the
// REST API's DescribeSObjectResult / Field shapes (developer.salesforce.com, "sObject Describe").

export type FieldType = "id" | "string" | "textarea" | "phone" | "url" | "email" | "currency" | "percent" | "int" | "date" | "datetime" | "picklist" | "reference" | "boolean" | "base64";

export interface FieldDef {
  name: string;
  type: FieldType;
  label: string;
  length?: number;
  /** Required on create when false (and not defaulted). */
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  externalId?: boolean;
  referenceTo?: string[];
  relationshipName?: string;
  picklist?: string[];
}

export interface SObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldDef[];
}

const f = (name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type,
  label: name.replace(/__c$/, "").replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2"),
  nillable: true,
  createable: true,
  updateable: true,
  ...(type === "string" || type === "phone" || type === "url" || type === "email" || type === "picklist" ? { length: 255 } : {}),
  ...(type === "textarea" ? { length: 32_000 } : {}),
  ...extra,
});
const ref = (name: string, to: string, relationshipName: string, extra: Partial<FieldDef> = {}) => f(name, "reference", { referenceTo: [to], relationshipName, length: 18, ...extra });
const ro = { createable: false, updateable: false, nillable: false } as const;

/** Fields every sObject here has (system audit fields). */
const SYSTEM: FieldDef[] = [
  f("Id", "id", { ...ro, length: 18 }),
  f("IsDeleted", "boolean", ro),
  f("CreatedDate", "datetime", ro),
  ref("CreatedById", "User", "CreatedBy", ro),
  f("LastModifiedDate", "datetime", ro),
  ref("LastModifiedById", "User", "LastModifiedBy", ro),
  f("SystemModstamp", "datetime", ro),
];
const OWNER = ref("OwnerId", "User", "Owner", { nillable: false });
const EXTERNAL = f("External_Id__c", "string", { externalId: true, length: 64 });

export const SOBJECTS: SObjectDef[] = [
  {
    name: "Account",
    label: "Account",
    labelPlural: "Accounts",
    keyPrefix: "001",
    fields: [
      ...SYSTEM,
      OWNER,
      f("Name", "string", { nillable: false }),
      f("Type", "picklist", { picklist: ["Prospect", "Customer - Direct", "Customer - Channel", "Partner", "Other"] }),
      f("Industry", "picklist", { picklist: ["Agriculture", "Banking", "Education", "Energy", "Healthcare", "Manufacturing", "Retail", "Technology"] }),
      f("Phone", "phone"),
      f("Website", "url"),
      f("BillingCity", "string"),
      f("BillingCountry", "string"),
      f("AnnualRevenue", "currency"),
      f("NumberOfEmployees", "int"),
      f("Description", "textarea"),
      EXTERNAL,
    ],
  },
  {
    name: "Contact",
    label: "Contact",
    labelPlural: "Contacts",
    keyPrefix: "003",
    fields: [...SYSTEM, OWNER, ref("AccountId", "Account", "Account"), f("FirstName", "string"), f("LastName", "string", { nillable: false }), f("Email", "email"), f("Phone", "phone"), f("Title", "string"), f("Description", "textarea"), EXTERNAL],
  },
  {
    name: "Opportunity",
    label: "Opportunity",
    labelPlural: "Opportunities",
    keyPrefix: "006",
    fields: [
      ...SYSTEM,
      OWNER,
      ref("AccountId", "Account", "Account"),
      f("Name", "string", { nillable: false }),
      f("StageName", "picklist", { nillable: false, picklist: ["Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"] }),
      f("Amount", "currency"),
      f("CloseDate", "date", { nillable: false }),
      f("Probability", "percent"),
      f("Description", "textarea"),
      EXTERNAL,
    ],
  },
  {
    name: "Case",
    label: "Case",
    labelPlural: "Cases",
    keyPrefix: "500",
    fields: [
      ...SYSTEM,
      OWNER,
      f("CaseNumber", "string", { ...ro, length: 30 }),
      ref("AccountId", "Account", "Account"),
      ref("ContactId", "Contact", "Contact"),
      f("Subject", "string"),
      f("Status", "picklist", { picklist: ["New", "Working", "Escalated", "Closed"] }),
      f("Priority", "picklist", { picklist: ["High", "Medium", "Low"] }),
      f("Origin", "picklist", { picklist: ["Email", "Phone", "Web"] }),
      f("Description", "textarea"),
      EXTERNAL,
    ],
  },
  {
    // Files: a ContentVersion is one immutable version of a ContentDocument; VersionData is the blob.
    name: "ContentVersion",
    label: "Content Version",
    labelPlural: "Content Versions",
    keyPrefix: "068",
    fields: [
      ...SYSTEM,
      OWNER,
      f("Title", "string", { nillable: false }),
      f("PathOnClient", "string", { nillable: false, updateable: false }),
      f("VersionData", "base64", { nillable: false, updateable: false }),
      f("ContentSize", "int", ro),
      f("FileExtension", "string", ro),
      f("Checksum", "string", ro),
      ref("ContentDocumentId", "ContentDocument", "ContentDocument", { updateable: false }),
      ref("FirstPublishLocationId", "Account", "FirstPublishLocation", { updateable: false }),
      f("IsLatest", "boolean", ro),
      f("VersionNumber", "string", ro),
      f("ReasonForChange", "string", { updateable: false }),
    ],
  },
];

const BY_NAME = new Map(SOBJECTS.map((s) => [s.name.toLowerCase(), s]));

export function sobjectDef(name: string): SObjectDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function fieldDef(def: SObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return def.fields.find((x) => x.name.toLowerCase() === lower);
}

/** Children pointing at a type (describe's childRelationships). */
export function childRelationships(name: string): { childSObject: string; field: string; relationshipName: string | null; cascadeDelete: boolean }[] {
  const out: { childSObject: string; field: string; relationshipName: string | null; cascadeDelete: boolean }[] = [];
  for (const s of SOBJECTS) {
    for (const fd of s.fields) {
      if (fd.referenceTo?.includes(name) && !["CreatedById", "LastModifiedById", "OwnerId"].includes(fd.name)) {
        out.push({ childSObject: s.name, field: fd.name, relationshipName: s.labelPlural.replace(/\s/g, ""), cascadeDelete: false });
      }
    }
  }
  return out;
}
