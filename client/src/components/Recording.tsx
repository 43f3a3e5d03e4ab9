/**
 * A call's recording or voicemail, played where it is shown. The file is the provider's (its URL as
 * the provider sent it); only https URLs are played or linked, and nothing loads until the user
 * presses play. "Listen" opens it in a tab of its own, for a browser that cannot play it inline.
 */
export function Recording({ url, voicemail = false }: { url: string | null; voicemail?: boolean }) {
  const what = voicemail ? "Voicemail" : "Recording";
  if (!url?.startsWith("https://")) return voicemail ? <p class="recording muted">Voicemail left; its recording is not in yet.</p> : null;
  return (
    <div class="recording">
      <audio controls preload="none" src={url} aria-label={what} />
      <a href={url} rel="noreferrer" target="_blank">
        Listen
      </a>
    </div>
  );
}
