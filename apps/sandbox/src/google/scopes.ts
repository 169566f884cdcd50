// OAuth scopes the emulated Google APIs know, with the consent-page wording Google uses.
const G = "https://www.googleapis.com/auth/";

export const SCOPES = {
  mail: "https://mail.google.com/",
  gmailReadonly: `${G}gmail.readonly`,
  gmailModify: `${G}gmail.modify`,
  gmailMetadata: `${G}gmail.metadata`,
  gmailInsert: `${G}gmail.insert`,
  gmailLabels: `${G}gmail.labels`,
  gmailCompose: `${G}gmail.compose`,
  directoryUser: `${G}admin.directory.user`,
  directoryUserReadonly: `${G}admin.directory.user.readonly`,
  userinfoEmail: `${G}userinfo.email`,
  userinfoProfile: `${G}userinfo.profile`,
  cloudPlatform: `${G}cloud-platform`,
  drive: `${G}drive`,
  driveReadonly: `${G}drive.readonly`,
  driveFile: `${G}drive.file`,
  driveMetadataReadonly: `${G}drive.metadata.readonly`,
  contacts: `${G}contacts`,
  contactsReadonly: `${G}contacts.readonly`,
  calendar: `${G}calendar`,
  calendarReadonly: `${G}calendar.readonly`,
  calendarEvents: `${G}calendar.events`,
  calendarEventsReadonly: `${G}calendar.events.readonly`,
} as const;

export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: "Associate you with your personal info on Google",
  email: "See your primary Google Account email address",
  profile: "See your personal info, including any personal info you've made publicly available",
  [SCOPES.userinfoEmail]: "See your primary Google Account email address",
  [SCOPES.userinfoProfile]: "See your personal info",
  [SCOPES.mail]: "Read, compose, send, and permanently delete all your email from Gmail",
  [SCOPES.gmailReadonly]: "View your email messages and settings",
  [SCOPES.gmailModify]: "Read, compose, and send emails from your Gmail account",
  [SCOPES.gmailMetadata]: "View your email message metadata such as labels and headers, but not the email body",
  [SCOPES.gmailInsert]: "Add emails into your Gmail mailbox",
  [SCOPES.gmailLabels]: "See and edit your email labels",
  [SCOPES.gmailCompose]: "Manage drafts and send emails",
  [SCOPES.directoryUser]: "View and manage the provisioning of users on your domain",
  [SCOPES.directoryUserReadonly]: "See info about users on your domain",
  [SCOPES.cloudPlatform]: "See, edit, configure, and delete your Google Cloud data",
  [SCOPES.drive]: "See, edit, create, and delete all of your Google Drive files",
  [SCOPES.driveReadonly]: "See and download all your Google Drive files",
  [SCOPES.driveFile]: "See, edit, create, and delete only the specific Google Drive files you use with this app",
  [SCOPES.driveMetadataReadonly]: "See information about your Google Drive files",
  [SCOPES.calendar]: "See, edit, share, and permanently delete all the calendars you can access using Google Calendar",
  [SCOPES.calendarReadonly]: "See and download any calendar you can access using your Google Calendar",
  [SCOPES.calendarEvents]: "View and edit events on all your calendars",
  [SCOPES.calendarEventsReadonly]: "View events on all your calendars",
  [SCOPES.contacts]: "See, edit, download, and permanently delete your contacts",
  [SCOPES.contactsReadonly]: "See and download your contacts",
};

/** Scopes allowed per method, from each method's "Authorization scopes" in the API reference. */
export const METHOD_SCOPES = {
  messagesList: [SCOPES.mail, SCOPES.gmailModify, SCOPES.gmailReadonly, SCOPES.gmailMetadata],
  messagesGet: [SCOPES.mail, SCOPES.gmailModify, SCOPES.gmailReadonly, SCOPES.gmailMetadata],
  messagesInsert: [SCOPES.mail, SCOPES.gmailModify, SCOPES.gmailInsert],
  messagesImport: [SCOPES.mail, SCOPES.gmailModify, SCOPES.gmailInsert],
  messagesDelete: [SCOPES.mail],
  messagesModify: [SCOPES.mail, SCOPES.gmailModify],
  attachmentsGet: [SCOPES.mail, SCOPES.gmailModify, SCOPES.gmailReadonly],
  labelsList: [SCOPES.mail, SCOPES.gmailModify, SCOPES.gmailReadonly, SCOPES.gmailMetadata, SCOPES.gmailLabels],
  historyList: [SCOPES.mail, SCOPES.gmailModify, SCOPES.gmailReadonly, SCOPES.gmailMetadata],
  getProfile: [SCOPES.mail, SCOPES.gmailModify, SCOPES.gmailReadonly, SCOPES.gmailMetadata, SCOPES.gmailCompose],
  directoryUsersList: [SCOPES.directoryUser, SCOPES.directoryUserReadonly, SCOPES.cloudPlatform],
  // Drive: drive.file is accepted for reads and writes alike (the sandbox does not track which
  // files an app created); content reads need more than drive.metadata.readonly.
  driveMetadata: [SCOPES.drive, SCOPES.driveReadonly, SCOPES.driveFile, SCOPES.driveMetadataReadonly],
  driveContent: [SCOPES.drive, SCOPES.driveReadonly, SCOPES.driveFile],
  driveWrite: [SCOPES.drive, SCOPES.driveFile],
  calendarRead: [SCOPES.calendar, SCOPES.calendarReadonly, SCOPES.calendarEvents, SCOPES.calendarEventsReadonly],
  calendarWrite: [SCOPES.calendar, SCOPES.calendarEvents],
  contactsRead: [SCOPES.contacts, SCOPES.contactsReadonly],
  contactsWrite: [SCOPES.contacts],
} as const;

/** A token whose only Gmail read access is gmail.metadata may not read bodies or search. */
export function metadataOnly(scopes: string[]): boolean {
  return scopes.includes(SCOPES.gmailMetadata) && ![SCOPES.mail, SCOPES.gmailModify, SCOPES.gmailReadonly].some((s) => scopes.includes(s));
}
