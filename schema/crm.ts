/**
 * "Open in CRM": a business's URL template filled in for one call. Zod-free, so the dashboard's
 * popup builds the link with the same code the API checks the template with (schema/webhooks.ts).
 */

/** What a CRM URL template may say, each filled in URL-encoded. */
export const CRM_PLACEHOLDERS = ["number", "name", "contactId", "callId", "trackingNumber"] as const;
export type CrmPlaceholder = (typeof CRM_PLACEHOLDERS)[number];
export type CrmValues = Partial<Record<CrmPlaceholder, string | null>>;

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * The URL a template gives for these values: each `{placeholder}` replaced by its value,
 * URL-encoded (a missing value is empty). The dashboard's "Open in CRM" button opens it.
 */
export function crmUrl(template: string, values: CrmValues): string {
  return template.replace(PLACEHOLDER, (_, name: string) => encodeURIComponent(values[name as CrmPlaceholder] ?? ""));
}

/** Why a template is not one: an unknown placeholder, a stray brace, or not an http(s) URL once filled in. */
export function crmTemplateProblem(template: string): string | null {
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!(CRM_PLACEHOLDERS as readonly string[]).includes(name!)) return `{${name}} is not a placeholder; use ${CRM_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`;
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ""))) return "has a { or } that is not part of a placeholder";
  let url: URL;
  try {
    url = new URL(crmUrl(template, Object.fromEntries(CRM_PLACEHOLDERS.map((p) => [p, "x"]))));
  } catch {
    return "must be a URL like https://crm.example.com/contacts?phone={number}";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http or https URL";
  return null;
}
