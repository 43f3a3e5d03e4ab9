/**
 * A new password's field and what the server asks of one (schema/api.ts newPassword: 10 characters
 * or more, not a common one): sign-up, an invitation, a reset link and a password change alike.
 */
export const PASSWORD_HINT = "At least 10 characters. A few unrelated words make a strong one.";

export function NewPassword({ label, name, autofocus = false, note }: { label: string; name: string; autofocus?: boolean; note?: string }) {
  const hint = `${name}-hint`;
  return (
    <>
      <label>
        {label}
        <input name={name} type="password" required minLength={10} autocomplete="new-password" aria-describedby={hint} autofocus={autofocus} />
      </label>
      <small id={hint} class="muted">
        {PASSWORD_HINT}
        {note ? ` ${note}` : ""}
      </small>
    </>
  );
}
