/**
 * Desktop notifications and a ring for incoming calls, once the user has allowed them. The sound is
 * made with WebAudio, so there is no file to fetch.
 */
import { signal } from "@preact/signals";
import type { LiveCall } from "../../../schema/calls.ts";
import { callerTypeLabel } from "../format.ts";

const supported = typeof Notification !== "undefined";
export const alertsAllowed = signal(supported && Notification.permission === "granted");

export async function allowAlerts() {
  if (!supported) return;
  alertsAllowed.value = (await Notification.requestPermission()) === "granted";
}

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
  const who = call.callerName ? `${call.callerName} (${callerTypeLabel(call.callerType)})` : call.callerNumber;
  new Notification(`Incoming call: ${call.callerNumber}`, { body: `${who} · ${call.trackingLabel || call.trackingNumber}`, tag: call.id });
}
