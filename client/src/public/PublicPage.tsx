/** The frame of the pages people see before they have a session: sign-up, an invitation, a reset link. */
import type { ComponentChildren } from "preact";

export function PublicPage({ title, children, onSubmit }: { title: string; children: ComponentChildren; onSubmit?: (event: SubmitEvent) => void }) {
  return (
    <main class="login">
      <form onSubmit={onSubmit} aria-labelledby="public-title">
        <p class="brand-line">Switchboard</p>
        <h1 id="public-title">{title}</h1>
        {children}
      </form>
    </main>
  );
}
