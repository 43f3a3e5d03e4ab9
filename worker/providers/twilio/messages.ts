/**
 * Sending a text through Twilio's Programmable Messaging REST API: `POST
 * /2010-04-01/Accounts/{AccountSid}/Messages.json` with `From`, `To` and `Body` (basic auth with the
 * SID and the auth token), answered 201 with the Message resource, whose `sid` (SM…) names it.
 * Errors come in Twilio's shape (`code`, `message`). SignalWire's compatibility API takes the same
 * request at its own base URL.
 */
import { ProviderError, type Messenger, type TextMessage } from "../../../telephony/contract.ts";
import { TimeoutError, withTimeout } from "../../lib/timeout.ts";
import { TWILIO_API } from "./numbers.ts";

const SEND_TIMEOUT_MS = 10_000;

export class TwilioMessages implements Messenger {
  readonly #accountSid: string;
  readonly #authorization: string;
  readonly #api: string;
  readonly #name: string;

  constructor(accountSid: string, authToken: string, dialect: { name: string; api: string } = { name: "Twilio", api: TWILIO_API }) {
    this.#accountSid = accountSid;
    this.#authorization = `Basic ${btoa(`${accountSid}:${authToken}`)}`;
    this.#api = dialect.api;
    this.#name = dialect.name;
  }

  async send(message: TextMessage) {
    let res: Response;
    try {
      res = await withTimeout(
        fetch(`${this.#api}/Accounts/${encodeURIComponent(this.#accountSid)}/Messages.json`, {
          method: "POST",
          headers: { Authorization: this.#authorization, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ From: message.from, To: message.to, Body: message.body }).toString(),
        }),
        SEND_TIMEOUT_MS,
      );
    } catch (err) {
      // No answer is worth another try, like a 5xx.
      throw new ProviderError(`${this.#name}: ${err instanceof TimeoutError ? "no answer in time" : "could not connect"}`, 503);
    }
    const body = (await res.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
    if (!res.ok) throw new ProviderError(`${this.#name}: ${body.message ?? res.statusText}${body.code ? ` (error ${body.code})` : ""}`, res.status);
    return { providerMessageId: typeof body.sid === "string" ? body.sid : null };
  }
}
