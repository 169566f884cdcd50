// Words and people for generated catalogue rows: enough variety that search terms range from very
// common to rare, as in a real tenant (drawn with a skew, so a few words are everywhere).
export const WORDS = `report invoice budget meeting notes project plan review draft final contract proposal agenda minutes
summary update quarterly annual monthly weekly sales marketing finance legal hr payroll tax audit
roadmap design spec requirements architecture release launch customer client vendor partner supplier
order purchase receipt statement forecast analysis results metrics dashboard presentation slides deck
training onboarding policy handbook guide manual checklist template schedule calendar event conference
workshop webinar interview candidate offer letter memo announcement newsletter feedback survey
research study paper whitepaper case brief strategy vision goals objectives kpi okr target performance
evaluation appraisal bonus expense travel reimbursement approval request ticket incident issue bug
fix patch deployment migration backup restore security compliance gdpr risk assessment insurance claim
lease property facilities maintenance inventory shipment delivery logistics warehouse procurement tender
bid quote estimate pricing discount renewal subscription license agreement amendment addendum invoice
payment reminder overdue balance ledger journal reconciliation bank transfer wire deposit refund credit
debit account portfolio investment board shareholders dividend earnings revenue profit loss margin cost
headcount hiring recruiting benefits pension health safety wellness retreat offsite party holiday
vacation leave absence sick parental relocation visa immigration passport visa contractors freelance
consulting engagement statement work milestone deliverable timeline gantt sprint backlog retro standup
demo prototype mockup wireframe branding logo website blog social campaign ads seo content copy
press release media coverage interview podcast video photo images assets archive old copy scan signed
north south east west europe asia america africa london paris berlin tokyo madrid rome dublin austin
alpha beta gamma delta omega phoenix atlas apollo orion titan zephyr nova aurora summit horizon
january february march april may june july august september october november december q1 q2 q3 q4
2019 2020 2021 2022 2023 2024 2025 2026 v1 v2 v3 revised updated corrected confidential internal
urgent important fyi action required please review thanks follow reply forward question answer`
  .split(/\s+/)
  .filter((w, i, all) => w.length > 0 && all.indexOf(w) === i);

export const FIRST_NAMES = `alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert sybil trent
victor walter xena yara zoe adam bella chris diana ethan fiona george hannah isaac julia kevin laura
mike nina oscar paula quentin rachel sam tina umar vera will yusuf`.split(/\s+/);

export const LAST_NAMES = `smith jones taylor brown williams wilson johnson davies robinson wright thompson evans walker white
roberts green hall wood jackson clarke patel khan lewis james phillips mason mitchell rose davis
rodriguez cox martin garcia lopez muller schmidt schneider fischer weber meyer wagner becker`.split(/\s+/);

export const FOLDERS: Record<"mail" | "files", string[]> = {
  mail: [
    "/INBOX", "/Sent", "/Archive", "/Drafts", "/Trash", "/Archive/2022", "/Archive/2023", "/Archive/2024", "/Archive/2025",
    "/Projects", "/Projects/Apollo", "/Projects/Atlas", "/Projects/Orion", "/Projects/Phoenix", "/Clients", "/Clients/Acme",
    "/Clients/Globex", "/Clients/Initech", "/Finance", "/Finance/Invoices", "/Finance/Receipts", "/HR", "/Newsletters",
    "/Travel", "/Receipts", "/Notifications", "/Follow up", "/Waiting", "/Someday", "/Team", "/Team/Standups", "/Legal",
    "/Vendors", "/Support", "/Support/Tickets", "/Recruiting", "/Events", "/Board", "/Personal", "/Spam",
  ],
  files: [
    "/Documents", "/Documents/Reports", "/Documents/Reports/2024", "/Documents/Reports/2025", "/Documents/Contracts",
    "/Documents/Policies", "/Projects", "/Projects/Apollo", "/Projects/Apollo/Design", "/Projects/Atlas", "/Projects/Atlas/Specs",
    "/Projects/Orion", "/Projects/Phoenix", "/Finance", "/Finance/Budgets", "/Finance/Invoices", "/Finance/Tax", "/HR",
    "/HR/Onboarding", "/HR/Reviews", "/Marketing", "/Marketing/Campaigns", "/Marketing/Assets", "/Sales", "/Sales/Proposals",
    "/Sales/Quotes", "/Legal", "/Board", "/Board/Minutes", "/Shared", "/Shared/Templates", "/Archive", "/Archive/Old",
    "/Photos", "/Photos/Events", "/Scans", "/Desktop", "/Downloads", "/Personal", "/Temp",
  ],
};
