/**
 * Desktop notifications and a ring for incoming calls, once the user has allowed them. The sound is
 * made with WebAudio, so there is no file to fetch.
 */
import { computed, signal } from "@preact/signals";
import type { LiveCall } from "../../../schema/calls.ts";
import { callerTypeLabel, formatPhone } from "../format.ts";

const supported = typeof Notification !== "undefined";

/** What the browser says about desktop alerts for this site: "denied" means the user must allow them in the browser. */
export type AlertPermission = NotificationPermission | "unsupported";
export const alertPermission = signal<AlertPermission>(supported ? Notification.permission : "unsupported");
export const alertsAllowed = computed(() => alertPermission.value === "granted");

export async function allowAlerts() {
  if (!supported) return;
  alertPermission.value = await Notification.requestPermission();
}

/** How to allow alerts once the browser blocks them: the page itself may not ask again. */
export const UNBLOCK_ALERTS =
  "Your browser blocks notifications from this site. To get desktop alerts and a ring for incoming calls, click the icon at the left of the address bar, set Notifications to Allow, then reload the page.";

function ring() {
  try {
    const audio = new AudioContext();
    for (const [at, freq] of [[0, 880], [0.25, 660]] as const) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.15, audio.currentTime + at);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + at + 0.22);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + at);
      osc.stop(audio.currentTime + at + 0.24);
    }
  } catch {
    // No audio device: the popup and the desktop notification still show.
  }
}

export function alertIncoming(call: LiveCall) {
  if (!alertsAllowed.value) return;
  ring();
  const who = call.callerName ? `${call.callerName} (${callerTypeLabel(call.callerType)})` : "Unknown caller";
  new Notification(`Incoming call: ${formatPhone(call.callerNumber)}`, { body: `${who} · ${call.trackingLabel || formatPhone(call.trackingNumber)}`, tag: call.id });
}
