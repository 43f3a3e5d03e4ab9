/**
 * Provider accounts: the telephone company accounts numbers are bought from and calls arrive through.
 * Tokens go in and never come out again; a change needs the admin's current password.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiFailure, problem } from "../../api.ts";
import { formatTime } from "../../format.ts";

type Account = { id: string; provider: string; accountId: string; sandbox: boolean; createdAt: number; updatedAt: number | null; updatedBy: string | null };
type Tested = { ok: true; account?: string } | { ok: false; error: string };

/**
 * The providers the server speaks (worker/providers/index.ts), with the credentials each asks for
 * (each adapter's schema: the server checks them). Fields marked optional are for buying numbers here
 * and the connection test; a sandbox account needs none of them.
 */
type Field = { name: string; label: string; placeholder: string; secret: boolean; optional?: boolean };
const FORMS: readonly { provider: string; name: string; fields: readonly Field[] }[] = [
  {
    provider: "twilio",
    name: "Twilio",
    fields: [
      { name: "accountSid", label: "Account SID", placeholder: "AC followed by 32 letters and digits", secret: false },
      { name: "authToken", label: "Auth token", placeholder: "From the Twilio Console, beside the Account SID", secret: true },
    ],
  },
  {
    provider: "signalwire",
    name: "SignalWire",
    fields: [
      { name: "projectId", label: "Project ID", placeholder: "Dashboard → API: a UUID", secret: false },
      { name: "signingKey", label: "Signing key", placeholder: "Dashboard → API Credentials (not the API token)", secret: true },
      { name: "spaceUrl", label: "Space URL (to buy numbers here)", placeholder: "example.signalwire.com", secret: false, optional: true },
      { name: "apiToken", label: "API token (to buy numbers here)", placeholder: "PT…", secret: true, optional: true },
    ],
  },
  {
    provider: "telnyx",
    name: "Telnyx",
    fields: [
      { name: "accountSid", label: "Account ID", placeholder: "The AccountSid of your TeXML webhooks: a UUID", secret: false },
      { name: "publicKey", label: "Public key", placeholder: "Mission Control → Keys & Credentials → Public Key", secret: false },
      { name: "apiKey", label: "API key (to buy numbers here)", placeholder: "KEY…", secret: true, optional: true },
    ],
  },
  {
    provider: "plivo",
    name: "Plivo",
    fields: [
      { name: "authId", label: "Auth ID", placeholder: "MA… or SA…, on the Plivo console's overview", secret: false },
      { name: "authToken", label: "Auth token", placeholder: "Beside the Auth ID", secret: true },
    ],
  },
  {
    provider: "vonage",
    name: "Vonage",
    fields: [
      { name: "applicationId", label: "Application ID", placeholder: "Your Voice application's id: a UUID", secret: false },
      { name: "signatureSecret", label: "Signature secret", placeholder: "Dashboard → Settings → Signature secret", secret: true },
      { name: "apiKey", label: "API key (to buy numbers here)", placeholder: "Dashboard → API settings", secret: false, optional: true },
      { name: "apiSecret", label: "API secret (to buy numbers here)", placeholder: "Beside the API key", secret: true, optional: true },
    ],
  },
  {
    provider: "pbx",
    name: "PBX",
    fields: [{ name: "secret", label: "Webhook secret", placeholder: "whsec_ and base64: the secret your PBX signs its events with", secret: true }],
  },
];
const nameOf = (provider: string) => FORMS.find((f) => f.provider === provider)?.name ?? provider;
const LABELS: Record<string, string> = { ...Object.fromEntries(FORMS.flatMap((f) => f.fields.map((field) => [field.name, field.label]))), currentPassword: "Your current password" };

function describeTest(t: Tested) {
  return t.ok ? `Connection works${t.account ? `: ${t.account}` : ""}.` : `Connection failed: ${t.error}`;
}

export function ProviderAccounts() {
  const accounts = useSignal<Account[] | null>(null);
  const message = useSignal<string | null>(null);
  const editing = useSignal<string | null>(null);
  const load = () => api<{ items: Account[] }>("GET", "/api/provider-accounts").then((r) => (accounts.value = r.items));
  useEffect(() => {
    load().catch((err: unknown) => (message.value = problem(err)));
  }, []);

  async function testSaved(a: Account) {
    message.value = `Testing the ${nameOf(a.provider)} account…`;
    try {
      // No body: the server tests the saved credentials (which never come back to the browser).
      message.value = describeTest(await api<Tested>("POST", `/api/provider-accounts/${a.provider}/test`));
    } catch (err) {
      message.value = problem(err);
    }
  }
  async function remove(a: Account) {
    if (!confirm(`Delete the ${nameOf(a.provider)} account ${a.accountId}? Switchboard keeps no copy of its credentials.`)) return;
    try {
      await api("DELETE", `/api/provider-accounts/${a.provider}`);
      message.value = `${nameOf(a.provider)} account deleted`;
      await load();
    } catch (err) {
      message.value = problem(err);
    }
  }

  const list = accounts.value ?? [];
  return (
    <>
      {message.value && <p role="status">{message.value}</p>}
      {accounts.value && list.length === 0 && <p class="empty">No provider account yet: connect one below to buy numbers and take calls.</p>}
      {list.length > 0 && (
        <table class="list providers">
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Account</th>
              <th scope="col">Kind</th>
              <th scope="col">Last changed</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {list.map((a) => (
              <tr key={a.id} data-provider={a.provider}>
                <td>{nameOf(a.provider)}</td>
                <td>
                  <code>{a.accountId}</code>
                </td>
                <td>{a.sandbox ? "Sandbox (fictional numbers, simulated calls)" : "Live"}</td>
                <td data-label="Last changed">
                  {formatTime(a.updatedAt ?? a.createdAt)}
                  {a.updatedBy && <span class="muted"> by {a.updatedBy}</span>}
                </td>
                <td class="actions">
                  <button type="button" onClick={() => void testSaved(a)}>
                    Test connection
                  </button>
                  <button type="button" onClick={() => (editing.value = a.provider)}>
                    Replace credentials
                  </button>
                  <button type="button" onClick={() => void remove(a)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {accounts.value && FORMS.some((f) => !list.some((a) => a.provider === f.provider)) && (
        <label class="connect-provider">
          Connect a provider account
          <select value={list.some((a) => a.provider === editing.value) ? "" : (editing.value ?? "")} onChange={(e) => (editing.value = (e.currentTarget as HTMLSelectElement).value || null)}>
            <option value="">Choose a provider…</option>
            {FORMS.filter((f) => !list.some((a) => a.provider === f.provider)).map((f) => (
              <option key={f.provider} value={f.provider}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {FORMS.filter((form) => form.provider === editing.value).map((form) => {
        const existing = list.find((a) => a.provider === form.provider);
        return <CredentialsForm key={form.provider} form={form} replacing={existing} onSaved={(text) => ((message.value = text), (editing.value = null), void load())} onCancel={() => (editing.value = null)} />;
      })}
    </>
  );
}

function CredentialsForm({ form, replacing, onSaved, onCancel }: { form: (typeof FORMS)[number]; replacing: Account | undefined; onSaved: (message: string) => void; onCancel: (() => void) | undefined }) {
  const result = useSignal<string | null>(null);
  const busy = useSignal(false);
  const typed = (el: HTMLFormElement) => {
    const f = new FormData(el);
    // An optional field left empty is not sent: the server reads it as absent, not as an empty value.
    return Object.fromEntries(form.fields.map((field) => [field.name, String(f.get(field.name) ?? "").trim()]).filter(([name, value]) => value !== "" || !form.fields.find((x) => x.name === name)?.optional));
  };
  async function test(el: HTMLFormElement) {
    // Testing needs the credentials only, not the password that saving asks for.
    const fields = form.fields.map((field) => el.elements.namedItem(field.name) as HTMLInputElement);
    if (!fields.every((input) => input.reportValidity())) return;
    busy.value = true;
    result.value = "Testing…";
    try {
      result.value = describeTest(await api<Tested>("POST", `/api/provider-accounts/${form.provider}/test`, typed(el)));
    } catch (err) {
      result.value = problem(err, LABELS);
    } finally {
      busy.value = false;
    }
  }
  async function save(event: SubmitEvent) {
    event.preventDefault();
    const el = event.currentTarget as HTMLFormElement;
    busy.value = true;
    try {
      await api("PUT", `/api/provider-accounts/${form.provider}`, { ...typed(el), currentPassword: String(new FormData(el).get("currentPassword") ?? "") });
      onSaved(`${form.name} account saved. Its secrets are stored encrypted and are not shown again.`);
    } catch (err) {
      // The server names its field (currentPassword); people see the field's own label.
      result.value = err instanceof ApiFailure && err.status === 403 ? "Your current password is not right; nothing was saved" : problem(err, LABELS);
    } finally {
      busy.value = false;
    }
  }
  return (
    <form class="contact-form" onSubmit={save} aria-label={`${form.name} account`}>
      <h2>{replacing ? `Replace the ${form.name} credentials` : `Connect a ${form.name} account`}</h2>
      {replacing?.sandbox && <p class="muted">Saving real credentials turns the sandbox into a live account: calls and numbers then go through {form.name}.</p>}
      {form.fields.map((field) => (
        <label key={field.name}>
          {field.label}
          {field.secret ? <input name={field.name} required={!field.optional} type="password" autocomplete="off" placeholder={field.placeholder} /> : <input name={field.name} required={!field.optional} autocomplete="off" placeholder={field.placeholder} />}
        </label>
      ))}
      <label>
        Your current password
        <input name="currentPassword" type="password" required autocomplete="current-password" />
      </label>
      <small class="muted">Changing where calls come from needs your password.</small>
      {result.value && <p role="status">{result.value}</p>}
      <div class="actions">
        <button type="button" disabled={busy.value} onClick={(e) => void test((e.currentTarget as HTMLButtonElement).form!)}>
          Test connection
        </button>
        <button type="submit" disabled={busy.value}>
          Save
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
