/** A text field's value from FormData; files and missing fields read as "". */
export function formText(form: FormData, key: string): string {
  const v = form.get(key);
  return typeof v === "string" ? v : "";
}
