/** What the REST API answers, as the dashboard reads it. */
import type { PhoneRecord } from "../../schema/api.ts";
import type { CallerType } from "../../schema/calls.ts";
import type { CallStatus, ContactKind } from "../../schema/constants.ts";
import type { CallVisit } from "../../schema/visits.ts";

export type Phone = PhoneRecord;
export type Contact = {
  id: string;
  kind: ContactKind;
  name: string;
  company: string | null;
  email: string | null;
  address: string | null;
  notes: string | null;
  tags: string[];
  phones: Phone[];
  createdAt: number;
};
export type Page<T> = { items: T[]; total: number; limit: number; offset: number };

export type LoggedCall = {
  id: string;
  status: CallStatus;
  callerNumber: string;
  callerType: CallerType;
  callerName: string | null;
  contactId: string | null;
  trackingNumber: string;
  trackingNumberId: string | null;
  trackingLabel: string | null;
  campaignId: string | null;
  campaignName: string | null;
  terminationNumber: string | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  durationSeconds: number | null;
  talkSeconds: number | null;
  recordingUrl: string | null;
  voicemail: "reached" | "left" | null;
  subject: string | null;
  notes: string | null;
  outcome: string | null;
  tags: string[] | null;
  followUpAt: number | null;
  /** The website visit a call to a pool number came from (dynamic number insertion). */
  visit?: CallVisit | null;
  live: boolean;
};

export type TrackingNumber = { id: string; number: string; label: string; campaignId: string | null };
export type Campaign = { id: string; name: string; channel: string };
