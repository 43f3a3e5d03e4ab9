/**
 * A provider's side of a call, as the simulator and the benchmark play it: what it posts to our
 * webhooks at each moment of a call's life, signed as it signs, and what it reads in our markup.
 * One implementation per provider (the Worker's adapter is the other half of each).
 */

/** How a dialled leg ends, or its progress, in the pipeline's words. */
export type LegStatus = "initiated" | "ringing" | "in-progress" | "completed" | "busy" | "no-answer" | "failed" | "canceled";

/** What our markup told the provider to do next, read back from it. */
export type Plan = {
  says: string[];
  /** A voice menu waits for keys. */
  menu: boolean;
  /** A voicemail is being recorded. */
  voicemail: boolean;
  /** A number is being dialled. */
  dial: { number: string } | null;
  /** The Server-Timing of the response (the benchmark reads the voice webhook's). */
  serverTiming: string | null;
};

/** A request the network sends, and what came back. */
export type Sent = { status: number; ok: boolean; text: string; headers: Headers };
/** Sends one webhook; `what` names it for the call's log. */
export type Send = (url: string, init: { headers: Record<string, string>; body: string }, what: string) => Promise<Sent>;

export type SimulatedCall = { id: string; from: string; to: string; send: Send };

export interface Network {
  readonly provider: string;
  /** The demo tenant's tracking number of this provider. */
  readonly demoNumber: string;
  newCallId(): string;
  /** The call reaches the tracking number: the voice webhook. */
  ring(call: SimulatedCall): Promise<Plan>;
  /** The caller answers a voice menu (`keys` "" presses nothing). */
  pressKeys(call: SimulatedCall, plan: Plan, keys: string): Promise<Plan>;
  /** The caller leaves a voicemail: its recording, then the end of the recording. */
  leaveVoicemail(call: SimulatedCall, plan: Plan): Promise<Plan>;
  /** A report on the dialled leg, sent only when our markup asked for it. */
  legReport(call: SimulatedCall, plan: Plan, legId: string, status: LegStatus, talkSeconds?: number): Promise<void>;
  /** The dial step is over: how it ended; the answer is what comes next. */
  dialEnded(call: SimulatedCall, plan: Plan, legId: string, status: LegStatus, talkSeconds: number): Promise<Plan | null>;
  /** The caller's call ends. */
  hangUp(call: SimulatedCall, durationSeconds: number): Promise<void>;
}

export function hex(bytes: number) {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
