/**
 * The team: who has a login and with which role; invitations out and pending; a reset link for
 * someone who forgot their password. Links are shown once: the admin passes them on.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { USER_ROLES, type UserRole } from "../../../../schema/constants.ts";
import { api, problem } from "../../api.ts";
import { asRole, roleLabel } from "../../can.ts";
import { CopyOnce } from "../../components/CopyOnce.tsx";
import { formatTime } from "../../format.ts";
import { me } from "../../session.ts";

type User = { id: string; email: string; name: string; role: UserRole; disabled: boolean; createdAt: number; lastSignInAt: number | null };
type Invitation = { id: string; email: string; role: UserRole; createdAt: number; expiresAt: number; createdBy: string | null; expired: boolean };
type Shown = { label: string; url: string; note: string; invitationId?: string };

export const ROLE_HINTS: Record<UserRole, string> = {
  admin: "everything, including the team, provider accounts, API keys and the audit log",
  manager: "numbers, routing, contacts, calls, campaigns and reports; not the team or accounts",
  agent: "answers calls and keeps contacts",
  reporting: "reads calls, campaigns and reports",
};

function RoleOptions({ selected }: { selected?: UserRole }) {
  return (
    <>
      {USER_ROLES.map((r) => (
        <option key={r} value={r} selected={r === selected}>
          {roleLabel(r)}
        </option>
      ))}
    </>
  );
}

export function Team() {
  const users = useSignal<User[] | null>(null);
  const invitations = useSignal<Invitation[]>([]);
  const shown = useSignal<Shown | null>(null);
  // Bumped on each load, so a role picker the server refused (409) shows the role it kept.
  const loads = useSignal(0);
  const message = useSignal<string | null>(null);
  const load = async () => {
    const [u, i] = await Promise.all([api<{ items: User[] }>("GET", "/api/users"), api<{ items: Invitation[] }>("GET", "/api/invitations")]);
    users.value = u.items;
    invitations.value = i.items;
    loads.value++;
  };
  useEffect(() => {
    load().catch((err: unknown) => (message.value = problem(err)));
  }, []);
  const act = async (work: () => Promise<unknown>, done?: string) => {
    try {
      message.value = null;
      await work();
      if (done) message.value = done;
      await load();
    } catch (err) {
      message.value = problem(err, { email: "Email", role: "Role" });
      await load().catch(() => undefined);
    }
  };

  const changeRole = (u: User, role: UserRole) => act(() => api("PATCH", `/api/users/${u.id}`, { role }), `${u.name} is now ${asRole(role)}`);
  const setDisabled = (u: User, disabled: boolean) => {
    if (disabled && !confirm(`Disable ${u.name}? They are logged out at once and cannot log in until enabled again.`)) return;
    void act(() => api("PATCH", `/api/users/${u.id}`, { disabled }), disabled ? `${u.name} is disabled` : `${u.name} can log in again`);
  };
  const resetLink = (u: User) =>
    act(async () => {
      const r = await api<{ url: string; expiresAt: number }>("POST", `/api/users/${u.id}/reset-link`);
      shown.value = { label: `Reset link for ${u.name}`, url: r.url, note: `Pass this link on to ${u.name} yourself (Switchboard sends no email). It sets a new password once, until ${formatTime(r.expiresAt)}, and is not shown again.` };
    });
  const invite = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    void act(async () => {
      const r = await api<{ id: string; url: string; email: string; role: UserRole; expiresAt: number }>("POST", "/api/invitations", { email: String(f.get("email") ?? "").trim(), role: String(f.get("role")) });
      form.reset();
      (form.elements.namedItem("role") as HTMLSelectElement).value = "agent";
      shown.value = { invitationId: r.id, label: `Invitation for ${r.email}`, url: r.url, note: `Send this link to ${r.email} yourself (Switchboard sends no email). It is valid 7 days (until ${formatTime(r.expiresAt)}), works once, and is not shown again.` };
    });
  };
  const withdraw = (i: Invitation) => {
    if (!confirm(`Withdraw the invitation for ${i.email}? Its link stops working.`)) return;
    // A withdrawn invitation's link, still on screen, would mislead: it goes too.
    if (shown.value?.invitationId === i.id) shown.value = null;
    void act(() => api("DELETE", `/api/invitations/${i.id}`), `Invitation for ${i.email} withdrawn`);
  };

  const self = me.value?.user.id;
  return (
    <>
      {message.value && <p role="status">{message.value}</p>}
      {shown.value && (
        <CopyOnce label={shown.value.label} value={shown.value.url} onClose={() => (shown.value = null)}>
          {shown.value.note}
        </CopyOnce>
      )}
      <table class="list team">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Last signed in</th>
            <th scope="col"></th>
          </tr>
        </thead>
        <tbody>
          {(users.value ?? []).map((u) => (
            <tr key={u.id} data-user={u.email} class={u.disabled ? "disabled" : undefined}>
              <td>
                {u.name}
                {u.id === self && <span class="muted"> (you)</span>}
              </td>
              <td>{u.email}</td>
              <td>
                {u.id === self ? (
                  roleLabel(u.role)
                ) : (
                  <select key={`${u.role}-${loads.value}`} aria-label={`Role of ${u.name}`} onChange={(e) => void changeRole(u, e.currentTarget.value as UserRole)}>
                    <RoleOptions selected={u.role} />
                  </select>
                )}
              </td>
              <td data-label="Status">{u.disabled ? "Disabled" : "Active"}</td>
              <td data-label="Last signed in">{u.lastSignInAt ? formatTime(u.lastSignInAt) : "Never"}</td>
              <td class="actions">
                {u.id !== self && (
                  <>
                    <button type="button" onClick={() => void resetLink(u)}>
                      Reset link
                    </button>
                    <button type="button" onClick={() => setDisabled(u, !u.disabled)}>
                      {u.disabled ? "Enable" : "Disable"}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Invite someone</h2>
      <form class="filters" onSubmit={invite} aria-label="Invite someone">
        <label>
          Email <input name="email" type="email" required placeholder="dana@example.com" />
        </label>
        <label>
          Role
          <select name="role">
            <RoleOptions selected="agent" />
          </select>
        </label>
        <button type="submit">Create invitation</button>
      </form>
      <ul class="muted role-hints">
        {USER_ROLES.map((r) => (
          <li key={r}>
            <strong>{roleLabel(r)}</strong>: {ROLE_HINTS[r]}
          </li>
        ))}
      </ul>

      <h2>Pending invitations</h2>
      {invitations.value.length === 0 ? (
        <p class="empty">No pending invitations.</p>
      ) : (
        <table class="list invitations">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Invited by</th>
              <th scope="col">Valid until</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {invitations.value.map((i) => (
              <tr key={i.id} data-invitation={i.email}>
                <td>{i.email}</td>
                <td data-label="Role">{roleLabel(i.role)}</td>
                <td data-label="Invited by">
                  {i.createdBy ?? "—"} <span class="muted">{formatTime(i.createdAt)}</span>
                </td>
                <td data-label="Valid until">{i.expired ? <span class="error">Expired {formatTime(i.expiresAt)}</span> : formatTime(i.expiresAt)}</td>
                <td class="actions">
                  <button type="button" onClick={() => withdraw(i)}>
                    Withdraw
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
