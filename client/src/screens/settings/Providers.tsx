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

/** The providers the server speaks (worker/providers/index.ts), with the credentials each asks for. */
const FORMS = [
  {
    provider: "twilio",
    name: "Twilio",
    fields: [
      { name: "accountSid", label: "Account SID", placeholder: "AC followed by 32 letters and digits", secret: false },
      { name: "authToken", label: "Auth token", placeholder: "From the Twilio Console, beside the Account SID", secret: true },
    ],
  },
] as const;
const nameOf = (provider: string) => FORMS.find((f) => f.provider === provider)?.name ?? provider;
const LABELS: Record<string, string> = { accountSid: "Account SID", authToken: "Auth token", currentPassword: "Your current password" };

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
      {FORMS.map((form) => {
        const existing = list.find((a) => a.provider === form.provider);
        if (existing && editing.value !== form.provider) return null;
        return <CredentialsForm key={form.provider} form={form} replacing={existing} onSaved={(text) => ((message.value = text), (editing.value = null), void load())} onCancel={existing ? () => (editing.value = null) : undefined} />;
      })}
    </>
  );
}

function CredentialsForm({ form, replacing, onSaved, onCancel }: { form: (typeof FORMS)[number]; replacing: Account | undefined; onSaved: (message: string) => void; onCancel: (() => void) | undefined }) {
  const result = useSignal<string | null>(null);
  const busy = useSignal(false);
  const typed = (el: HTMLFormElement) => {
    const f = new FormData(el);
    return Object.fromEntries(form.fields.map((field) => [field.name, String(f.get(field.name) ?? "").trim()]));
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
      onSaved(`${form.name} account saved. Its auth token is stored encrypted and is not shown again.`);
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
          {field.secret ? <input name={field.name} required type="password" autocomplete="off" placeholder={field.placeholder} /> : <input name={field.name} required autocomplete="off" placeholder={field.placeholder} />}
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
