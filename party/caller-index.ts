/**
 * The work on the Switchboard's caller index (`callers.ts` holds its table and queries): one task at
 * a time, each reading D1 after the last one wrote; the build when the index is missing (calls ask
 * D1 meanwhile); and the check of answered callers against D1 a moment after their calls, in one
 * query per 90 numbers, which puts right a change whose notice never arrived.
 */
import { getDb } from "../schema/d1.ts";
import * as callers from "./callers.ts";

/** How long after a call its caller is checked against D1, with every other call of that second. */
export const CHECK_AFTER_MS = 1000;

type IndexOptions = {
  d1: D1Database;
  tenantId: string;
  sql: SqlStorage;
  /** D1 knows this call's caller otherwise than the index did when the call was registered. */
  recognised: (callId: string, registeredContactId: string | null, identity: callers.CallerIdentity) => void;
  checkAfterMs?: number;
};

export class CallerIndex {
  readonly #options: IndexOptions;
  /** Work on the index, one task at a time: each reads D1 after the last one wrote. */
  #work: Promise<unknown> = Promise.resolve();
  /** Builds queued or running. */
  #builds = 0;
  /** Calls answered from the index, by number, waiting to be checked against D1. */
  #toCheck = new Map<string, { callId: string; contactId: string | null }[]>();
  #checkTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: IndexOptions) {
    this.#options = options;
  }

  get #db() {
    return getDb(this.#options.d1);
  }

  #task<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#work.then(task);
    this.#work = run.catch((err: unknown) => console.error("caller index work failed", err));
    return run;
  }

  #build() {
    this.#builds++;
    return this.#task(() => callers.build(this.#options.sql, this.#db, this.#options.tenantId)).finally(() => this.#builds--);
  }

  /** Builds the index in the background when it is missing; calls ask D1 meanwhile. */
  ensureBuilt() {
    if (this.#builds > 0 || callers.isReady(this.#options.sql)) return;
    void this.#build().catch(() => undefined); // logged by #task; the next call tries again
  }

  /**
   * Who is calling: from the index (checked against D1 a moment later, see `registered`), or from
   * D1 while the index is built.
   */
  async identify(number: string): Promise<{ identity: callers.CallerIdentity; fromIndex: boolean }> {
    const { sql, tenantId } = this.#options;
    const indexed = callers.identify(sql, number);
    if (indexed) {
      callers.markSeen(sql, number);
      return { identity: indexed, fromIndex: true };
    }
    this.ensureBuilt();
    const identity = await callers.identifyInD1(this.#db, tenantId, number);
    callers.markSeen(sql, number);
    return { identity, fromIndex: false };
  }

  /** A call was registered with the index's answer: check it against D1 with the others of this second. */
  checkLater(number: string, callId: string, used: callers.CallerIdentity) {
    const waiting = this.#toCheck.get(number) ?? [];
    waiting.push({ callId, contactId: used.contactId });
    this.#toCheck.set(number, waiting);
    this.#checkTimer ??= setTimeout(() => {
      this.#checkTimer = null;
      void this.#check().catch((err: unknown) => console.error("checking callers against D1 failed", err));
    }, this.#options.checkAfterMs ?? CHECK_AFTER_MS);
  }

  async #check() {
    const batch = this.#toCheck;
    this.#toCheck = new Map();
    const { sql, tenantId, recognised } = this.#options;
    const changed = await this.#task(() => callers.refreshNumbers(sql, this.#db, tenantId, [...batch.keys()]));
    for (const { number, identity } of changed) {
      for (const { callId, contactId } of batch.get(number) ?? []) recognised(callId, contactId, identity);
    }
  }

  /**
   * The contacts API changed these contacts in D1 (or, with null, too many to name: an import): the
   * index follows before the write answers. An index not built yet is built from D1 when first needed.
   */
  async contactsChanged(contactIds: string[] | null) {
    if (!callers.isReady(this.#options.sql) && this.#builds === 0) return;
    if (contactIds === null) await this.#build();
    else await this.#task(() => callers.refreshContacts(this.#options.sql, this.#db, this.#options.tenantId, contactIds));
  }
}
