/**
 * API keys for programs (an accounting system, a PBX): each with a role and the scopes it may use.
 * A new key is shown once; revoking one revokes the keys it made.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { ORDINARY_SCOPES, POWER_SCOPES, ROLE_SCOPES, USER_ROLES, type ApiScope, type UserRole } from "../../../../schema/constants.ts";
import { api, problem } from "../../api.ts";
import { roleLabel } from "../../can.ts";
import { CopyOnce } from "../../components/CopyOnce.tsx";
import { formatTime } from "../../format.ts";

type Key = { id: string; name: string; prefix: string; role: UserRole; scopes: ApiScope[]; createdBy: string | null; createdByKeyId: string | null; createdAt: number; lastUsedAt: number | null };
type Created = { id: string; name: string; key: string };

const scopeCount = (k: Key) => (k.scopes.length >= ORDINARY_SCOPES.length + POWER_SCOPES.length ? "all scopes" : `${k.scopes.length} scope${k.scopes.length === 1 ? "" : "s"}`);

/** A role chosen for a key ticks the scopes that role has: the key then holds no scope it cannot use. */
function pickRole(form: HTMLFormElement, role: UserRole) {
  (form.elements.namedItem("role") as HTMLSelectElement).value = role;
  for (const box of form.querySelectorAll<HTMLInputElement>('input[name="scopes"]')) box.checked = ROLE_SCOPES[role].includes(box.value as ApiScope);
}

export function ApiKeys() {
  const keys = useSignal<Key[] | null>(null);
  const created = useSignal<Created | null>(null);
  const message = useSignal<string | null>(null);
  const load = () => api<{ items: Key[] }>("GET", "/api/keys").then((r) => (keys.value = r.items));
  useEffect(() => {
    load().catch((err: unknown) => (message.value = problem(err)));
  }, []);

  async function create(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    try {
      message.value = null;
      created.value = await api<Created>("POST", "/api/keys", { name: String(f.get("name") ?? "").trim(), role: String(f.get("role")), scopes: f.getAll("scopes").map(String) });
      form.reset();
      pickRole(form, "agent");
      await load();
    } catch (err) {
      message.value = problem(err, { name: "Name", scopes: "Scopes" });
    }
  }
  async function revoke(k: Key) {
    if (!confirm(`Revoke the API key "${k.name}"? Programs using it are refused from now on, and so are keys it made.`)) return;
    try {
      await api("DELETE", `/api/keys/${k.id}`);
      message.value = `API key "${k.name}" revoked`;
      await load();
    } catch (err) {
      message.value = problem(err);
    }
  }

  return (
    <>
      {message.value && <p role="status">{message.value}</p>}
      {created.value && (
        <CopyOnce label={`API key "${created.value.name}"`} value={created.value.key} onClose={() => (created.value = null)}>
          Copy it into the program now: Switchboard keeps only a fingerprint and cannot show it again. The program sends it as <code>Authorization: Bearer …</code>.
        </CopyOnce>
      )}
      {keys.value && keys.value.length === 0 && <p class="empty">No API keys yet.</p>}
      {keys.value && keys.value.length > 0 && (
        <table class="list keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Acts as</th>
              <th scope="col">Made by</th>
              <th scope="col">Last used</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {keys.value.map((k) => (
              <tr key={k.id} data-key={k.name}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td data-label="Acts as">
                  {roleLabel(k.role)} <span class="muted">({scopeCount(k)})</span>
                </td>
                <td data-label="Made by">
                  {k.createdBy ?? (k.createdByKeyId ? "another API key" : "—")} <span class="muted">{formatTime(k.createdAt)}</span>
                </td>
                <td data-label="Last used">{k.lastUsedAt ? formatTime(k.lastUsedAt) : "Never"}</td>
                <td class="actions">
                  <button type="button" onClick={() => void revoke(k)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>New API key</h2>
      <form class="contact-form" onSubmit={create} aria-label="New API key">
        <label>
          Name <input name="name" required maxLength={100} placeholder="Accounting sync" />
        </label>
        <label>
          Acts as
          <select name="role" onChange={(e) => pickRole(e.currentTarget.form!, e.currentTarget.value as UserRole)}>
            {USER_ROLES.map((r) => (
              <option key={r} value={r} selected={r === "agent"}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        </label>
        <small class="muted">The key does at most what this role and the scopes below both allow.</small>
        <fieldset>
          <legend>Scopes</legend>
          <div class="scopes">
            {ORDINARY_SCOPES.map((s) => (
              <label key={s} class="inline">
                <input type="checkbox" name="scopes" value={s} defaultChecked={ROLE_SCOPES.agent.includes(s)} /> {s}
              </label>
            ))}
            {POWER_SCOPES.map((s) => (
              <label key={s} class="inline">
                <input type="checkbox" name="scopes" value={s} /> {s}
              </label>
            ))}
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit">Create API key</button>
        </div>
      </form>
    </>
  );
}
