import { Server, type Connection, type ConnectionContext, type WSMessage } from "partyserver";
import type { CallerType, LiveCall } from "../schema/calls.ts";
import type { VisitFacts } from "../schema/visits.ts";
import type { Answer, ArrivingCall, CallProgress, Registration } from "../telephony/contract.ts";
import { CLOSE_RECONNECT, CLOSE_SESSION_ENDED, clientMessage, connectQuery, PING_FRAME, PONG_FRAME, type EventMessage, type ServerMessage } from "../schema/messages.ts";
import { getDb } from "../schema/d1.ts";
import { campaignEnded } from "../schema/campaigns.ts";
import { CallerIndex } from "./caller-index.ts";
import { CallLogWriter, LOG_RETRY_MS } from "./call-log.ts";
import { hasOutbound, migrateOutbound, OutboundSender } from "./outbound.ts";
import * as callers from "./callers.ts";
import * as dni from "./dni.ts";
import { HeldConfig, loadRoutingConfig } from "./config.ts";
import * as pipeline from "./pipeline.ts";
import { endedSessions, SESSION_CHECK_DELAY_MS, SESSION_CHECK_MS, SESSION_IDLE_CHECK_MS, sessionTag, socketSession, type SocketSession } from "./sessions.ts";
import { SandboxCalls, migrateSandboxCalls, TEST_CALLER_NAME, type Placed, type TestCallPlan } from "./sandbox-calls.ts";
import { SocketLimits } from "./socket-limits.ts";
import type { RoutingConfig } from "./routing.ts";
import * as store from "./store.ts";

/** Set by the Worker, after it checked the session, on the upgrade request it forwards. */
export const USER_HEADER = "x-switchboard-user";
/** The session's id (the SHA-256 of its cookie, as D1 keys it) and expiry (epoch ms), set beside USER_HEADER. */
export const SESSION_HEADER = "x-switchboard-session";
export const SESSION_EXPIRES_HEADER = "x-switchboard-session-expires";
/** "admin" when the socket's user is one (the Worker says so from D1): notices only admins see go to it. */
export const ROLE_HEADER = "x-switchboard-role";

const SWEEP_EVERY_MS = 10 * 60 * 1000;

type ConnectionState = SocketSession;

/**
 * One per tenant, named by the tenant's id: live calls, routing counters, notifications and the
 * event log, in SQLite storage so an eviction or restart loses nothing. The class holds lifecycle
 * hooks and RPC entry points; the logic lives in `pipeline.ts`, `routing.ts` and `store.ts`, and its
 * two background mechanisms in `caller-index.ts` (the caller index's work) and `call-log.ts` (the
 * call log's write-behind).
 */
export class Switchboard extends Server<Env> {
  // Hibernation lets a tenant with dashboards open cost nothing between calls.
  static override options = { hibernate: true };

  readonly #startedAt = Date.now();
  /** When the alarm is set for, as far as this instance knows (read from storage on first use). */
  #alarmAt: number | null | undefined = undefined;
  /**
   * The soonest time this instance has asked the alarm for since it last ran, besides the call
   * log's backstop (and the alarm it found set: what an earlier instance set it for is not known
   * here). The alarm's run works out everything it is needed for again, so the soonest is enough.
   */
  #wantedAt: number | null = null;
  /** Whether the alarm is also asked for as the call log's backstop: ended calls wait for their write. */
  #backstop = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // The dashboards' keep-alive (every 25 s each) is answered by the runtime: it neither wakes this
    // object from hibernation nor waits behind a call. A session that expires meanwhile is closed
    // by the alarm, which is set for the first expiry (#checkSessions).
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
    // Synchronous SQLite: the schema is in place before any request or RPC is handled.
    store.migrate(ctx.storage.sql);
    callers.migrateCallers(ctx.storage.sql);
    migrateSandboxCalls(ctx.storage.sql);
    dni.migrateDni(ctx.storage.sql);
    migrateOutbound(ctx.storage.sql);
    // The instance before this one may have gone (evicted, crashed) between a call's end and its
    // call-log write: resume it now rather than when the alarm next runs. The name (the tenant) is
    // known here when the stub was made by name, as the Worker always makes it.
    if (ctx.id.name !== undefined) {
      this.#callLog.resume();
      // Events an earlier instance kept but did not get to the queue go now.
      if (hasOutbound(ctx.storage.sql)) this.#outbound.kick();
    }
  }

  // Made on first use: partyserver knows the Switchboard's name (the tenant's id) only once it is asked for something.
  #callerIndex: CallerIndex | null = null;
  #callLogWriter: CallLogWriter | null = null;

  /** The caller index's work (build, follow the contacts API, check answered callers against D1). */
  get #callers() {
    return (this.#callerIndex ??= new CallerIndex({
      d1: this.env.DB,
      tenantId: this.name,
      sql: this.ctx.storage.sql,
      recognised: (callId, contactId, identity) => this.#log(pipeline.recognised(this.#context(), callId, contactId, identity).toLog),
    }));
  }

  #heldConfig: HeldConfig | null = null;

  /** The tenant's routing configuration, from memory, this object's storage or D1; dropped when it changes. */
  get #config() {
    return (this.#heldConfig ??= new HeldConfig({ sql: this.ctx.storage.sql, load: () => loadRoutingConfig(getDb(this.env.DB), this.name) }));
  }

  #outboundSender: OutboundSender | null = null;

  /** Webhook events on their way to the outbound queue, off the webhooks' path. */
  get #outbound() {
    return (this.#outboundSender ??= new OutboundSender({ sql: this.ctx.storage.sql, tenantId: this.name, queue: this.env.OUTBOUND, retryAt: (at) => this.#scheduleAlarm(at) }));
  }

  /** Ended calls on their way to the D1 call log, off the webhooks' path. */
  get #callLog() {
    return (this.#callLogWriter ??= new CallLogWriter({
      d1: this.env.DB,
      tenantId: this.name,
      sql: this.ctx.storage.sql,
      retryAt: (at) => this.#scheduleAlarm(at),
      settled: () => void this.#dropBackstop().catch((err: unknown) => console.error("could not move the alarm", err)),
    }));
  }

  /**
   * The sandbox's test calls. Their webhooks go to the Worker's own fetch handler (ctx.exports), so
   * they take the path a provider's do; the Worker calls back into this object while one is sent.
   */
  #sandboxCalls: SandboxCalls | null = null;
  get #sandbox() {
    return (this.#sandboxCalls ??= new SandboxCalls({
      sql: this.ctx.storage.sql,
      send: (request) => this.ctx.exports.default.fetch(request),
      scheduleAt: (at) => this.#scheduleAlarm(at),
    }));
  }

  /** Size and rate limits of the sockets' messages. */
  #limits = new SocketLimits();

  #log(calls: LiveCall[]) {
    if (calls.length === 0) return;
    this.#callLog.queue(calls);
    // The settle timer lives in memory; if this instance goes before it fires, the alarm writes the
    // call. Once the write is in, the alarm goes back to what else it was set for (#dropBackstop).
    void this.#scheduleAlarm(Date.now() + LOG_RETRY_MS, "backstop").catch((err: unknown) => console.error("could not set the alarm", err));
  }

  #context(): pipeline.PipelineContext {
    return { sql: this.ctx.storage.sql, now: Date.now(), broadcast: (message) => this.#deliver(message), held: () => this.#releaseSoon() };
  }

  /** The timer that sends held changes no other event carried (pipeline.ts, "held changes"). */
  #releaseTimer: ReturnType<typeof setTimeout> | null = null;

  #releaseSoon() {
    // A pending timer also keeps this object from hibernating with a change unsent; the alarm is the backstop after an eviction.
    this.#releaseTimer ??= setTimeout(() => {
      this.#releaseTimer = null;
      pipeline.releaseHeld(this.#context());
    }, pipeline.HOLD_MS);
  }

  /** Events of the operation running now, by seq, sent once it is done (pipeline.emit may replace one). */
  #outbox = new Map<number, EventMessage>();

  #deliver(message: EventMessage) {
    if (this.#outbox.size === 0) queueMicrotask(() => this.#flush());
    this.#outbox.set(message.seq, message);
  }

  /**
   * Events go to every dashboard of the tenant; a user's read marks only to that user's, notices
   * for admins only to admins'. One operation's events for the same dashboards leave in one frame
   * (a call ringing and its notification: one frame, not two), in seq order, to dashboards that
   * said they read such frames; a dashboard opened before they existed gets one event a frame.
   */
  #flush() {
    // A call's change may have stored webhook events to send (party/outbound.ts): they leave after this operation.
    if (hasOutbound(this.ctx.storage.sql)) this.#outbound.kick();
    const messages = [...this.#outbox.values()];
    this.#outbox.clear();
    let sent = false;
    for (const { tag, events } of runsByAudience(messages)) {
      const many = frameOf(events);
      // One event a frame, for dashboards that read no other: made when the first such one is met.
      let singles: string[] | null = null;
      // The runtime's sockets themselves, not partyserver's connections: its iterator reads every
      // socket's attachment again (a structured-clone copy) on every broadcast; this needs only tags.
      for (const ws of this.ctx.getWebSockets(tag ?? undefined)) {
        if (ws.readyState !== WebSocket.OPEN) continue;
        sent = true;
        if (events.length === 1 || this.#readsMany(ws)) ws.send(many);
        else for (const text of (singles ??= events.map((e) => JSON.stringify(e)))) ws.send(text);
      }
    }
    if (sent) this.#checkSessionsIfDue();
  }

  /**
   * Events went to the sockets: if their sessions were last checked over a minute ago (this object
   * was idle, or hibernating), the alarm checks them a moment after this operation. So the check
   * keeps pace with the events, and an idle Switchboard is not woken for it every minute.
   */
  #checkSessionsIfDue() {
    const checked = Number(store.getMeta(this.ctx.storage.sql, SESSIONS_CHECKED_KEY) ?? 0);
    if (Date.now() - checked < SESSION_CHECK_MS) return;
    void this.#scheduleAlarm(Date.now() + SESSION_CHECK_DELAY_MS).catch((err: unknown) => console.error("could not set the alarm", err));
  }

  /** Whether a socket reads several events to a frame, remembered per socket while this instance lives. */
  #many = new WeakMap<WebSocket, boolean>();

  #readsMany(ws: WebSocket) {
    let many = this.#many.get(ws);
    if (many === undefined) this.#many.set(ws, (many = this.ctx.getTags(ws).includes(MANY_TAG)));
    return many;
  }

  override getConnectionTags(_connection: Connection, ctx: ConnectionContext) {
    const { userId, sessionId, admin } = sessionOf(ctx.request);
    const many = connectQuery.safeParse(Object.fromEntries(new URL(ctx.request.url).searchParams)).data?.frames === "many";
    return [userTag(userId), sessionTag(sessionId), ...(admin ? [ADMINS_TAG] : []), ...(many ? [MANY_TAG] : [])];
  }

  /**
   * Sets the alarm for `at` unless it is set sooner already; storage is asked once per instance.
   * `backstop`: the call log's, given up once the log has nothing left to write.
   */
  async #scheduleAlarm(at: number, why: "need" | "backstop" = "need") {
    if (this.#alarmAt === undefined) {
      const found = await this.ctx.storage.getAlarm();
      // Another call may have read it meanwhile.
      if (this.#alarmAt === undefined) {
        this.#alarmAt = found;
        if (found !== null) this.#want(found);
      }
    }
    if (why === "backstop") this.#backstop = true;
    else this.#want(at);
    if (this.#alarmAt !== null && this.#alarmAt <= at && this.#alarmAt > Date.now()) return;
    this.#alarmAt = at;
    try {
      await this.ctx.storage.setAlarm(at);
    } catch (err) {
      // Not set: what storage holds is not known here any more; the next ask reads it again.
      this.#alarmAt = undefined;
      throw err;
    }
  }

  #want(at: number) {
    if (this.#wantedAt === null || at < this.#wantedAt) this.#wantedAt = at;
  }

  /**
   * The call log has written every ended call: its backstop is not needed, and the alarm moves to
   * the soonest other time it was asked for, or goes. Before, every call woke its Switchboard
   * again 30 s after its end, hibernated or not, only to find the log written.
   */
  async #dropBackstop() {
    if (!this.#backstop) return;
    this.#backstop = false;
    // A change held back (pipeline.ts, "held changes") and webhook events on their way to the
    // outbound queue (outbound.ts) have the alarm as their backstop too.
    const sql = this.ctx.storage.sql;
    if (this.#alarmAt == null || store.hasHeldCalls(sql) || hasOutbound(sql)) return;
    const next = this.#wantedAt;
    if (next !== null && next <= this.#alarmAt) return;
    this.#alarmAt = next;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }

  // RPC from the Worker ------------------------------------------------------------------------

  /**
   * A call to one of the tenant's tracking numbers. The Worker names the number and the caller; the
   * tracking number's settings and the caller's identity are the Switchboard's own (the Worker's
   * may be a minute old). A number that is not the tenant's (any more) is `notMine`.
   */
  async registerCall(input: ArrivingCall): Promise<Answer> {
    if (input.failsafe) {
      // A fail-safe registration must not wait on D1: it routes nothing.
      const { toLog, ...registration } = pipeline.register(this.#context(), { ...input, ...UNKNOWN_CALLER }, EMPTY_CONFIG);
      return this.#registered(registration, toLog);
    }
    const config = await this.#config.get();
    const tracked = config.tracking[input.trackingNumber];
    if (!tracked) return { notMine: true };
    const { identity: known, fromIndex } = await this.#callers.identify(input.callerNumber);
    // The sandbox's test call says so on the popup, unless a contact placed it.
    const identity = known.callerType === "unknown" && this.#sandbox.isTestCall(input.provider, input.providerCallId) ? { ...known, callerName: TEST_CALLER_NAME } : known;
    // A pool number's calls are its pool's campaign's, when the pool names one.
    const pool = dni.poolOf(config.pools, input.trackingNumber);
    const owner = pool?.campaign ? { campaignId: pool.campaign.id, campaignName: pool.campaign.name, campaignEndsOn: pool.campaign.endsOn } : tracked;
    const running = !campaignEnded(owner.campaignEndsOn, input.startedAt, config.timeZone);
    const campaign = running ? { campaignId: owner.campaignId, campaignName: owner.campaignName } : { campaignId: null, campaignName: null };
    // The website visit that held a pool number when it rang; a provider's retry keeps the call's first one.
    const sql = this.ctx.storage.sql;
    const visit = pool && !store.getCallByProviderId(sql, input.provider, input.providerCallId) ? dni.attribute(sql, pool, input.trackingNumber, input.startedAt) : null;
    const fresh = { trackingNumberId: tracked.id, trackingLabel: tracked.label, ...campaign, route: tracked.route, country: config.country, ...(visit ? { visit } : {}) };
    const { toLog, ...registration } = pipeline.register(this.#context(), { ...input, ...fresh, ...identity }, config);
    if (fromIndex && !registration.duplicate) this.#callers.checkLater(input.callerNumber, registration.call.id, identity);
    return this.#registered(registration, toLog);
  }

  async #registered(registration: Registration, toLog: LiveCall[]) {
    if (!registration.duplicate) await this.#scheduleAlarm(Date.now() + SWEEP_EVERY_MS);
    this.#log(toLog);
    return registration;
  }

  /**
   * A sandbox test call to one of the tenant's numbers: rings it now, through the Worker as the
   * provider would, and ends it at `plan.endsAt` from the alarm. One at a time per number.
   */
  placeTestCall(plan: TestCallPlan): Promise<Placed> {
    return this.#sandbox.place(plan);
  }

  /**
   * A page view of a website visit (dynamic number insertion): the pool number it shows, leased to
   * it until its pool's lease minutes after this view; the alarm ends the lease then.
   */
  async dniVisit(input: { visitId: string | null; facts: VisitFacts; explicit: boolean }) {
    const config = await this.#config.get();
    const result = dni.visit(this.ctx.storage.sql, config.pools, input, Date.now());
    if (result.expiresAt !== null) await this.#scheduleAlarm(result.expiresAt);
    return { visitId: result.visitId, number: result.number, reused: result.reused };
  }

  /** Each pool's numbers leased now and its takeovers of the last week ("pool too small"). */
  poolUse(poolIds: string[]) {
    return dni.poolUse(this.ctx.storage.sql, poolIds, Date.now());
  }

  /** Whether the tenant has a call here, ringing or ended (the call log has only the ended ones). */
  hasCalls() {
    return store.hasCalls(this.ctx.storage.sql);
  }

  /**
   * The contacts API changed these contacts in D1 (or, with null, too many to name: an import):
   * the caller index follows before the next call is matched.
   */
  contactsChanged(contactIds: string[] | null) {
    return this.#callers.contactsChanged(contactIds);
  }

  recordProgress(provider: string, providerCallId: string, report: CallProgress) {
    const { toLog, ...result } = pipeline.progress(this.#context(), provider, providerCallId, report);
    this.#log(toLog);
    return result;
  }

  /** A dial step ended; `step`: the decision whose dial it was, as its markup named it (absent: not named). */
  async dialEnded(provider: string, providerCallId: string, report: CallProgress, step?: number) {
    const config = await this.#config.get();
    const { toLog, ...result } = pipeline.dialEnded(this.#context(), provider, providerCallId, report, config, step);
    this.#log(toLog);
    return result;
  }

  async menuAnswered(provider: string, providerCallId: string, digits: string | null, step?: number) {
    const config = await this.#config.get();
    const { toLog, ...result } = pipeline.gathered(this.#context(), provider, providerCallId, digits, config, step);
    this.#log(toLog);
    return result;
  }

  recordingReady(provider: string, providerCallId: string, url: string) {
    this.#log(pipeline.recorded(this.#context(), provider, providerCallId, url).toLog);
  }

  /**
   * The caller left a voicemail: the call says so (and keeps its recording), then ends here, since
   * the route is over (the provider's final status, before or after, changes nothing more).
   */
  voicemailLeft(provider: string, providerCallId: string, url: string | null, at: number) {
    const ctx = this.#context();
    const left = pipeline.voicemailLeft(ctx, provider, providerCallId, url);
    const ended = pipeline.progress(ctx, provider, providerCallId, { leg: "parent", legId: providerCallId, status: "completed", at });
    this.#log(ended.toLog.length ? ended.toLog : left.toLog);
  }

  /**
   * Writes the calls waiting for the call log now (after the write in flight) and resolves once they
   * are in D1, or failed: readers of the log (the call list, a call, the CSV, the campaign report)
   * see every call that has ended here. The settle timer and the alarm write through it too.
   */
  flushCallLog(): Promise<void> {
    return this.#callLog.flush();
  }

  /**
   * A session ended (logout; a password change or a removed user, by user): its sockets close now,
   * with CLOSE_SESSION_ENDED, so a dashboard shows the login screen instead of reconnecting.
   * Returns how many closed.
   */
  closeSessions(target: { sessionId: string } | { userId: string }, reason: string): number {
    return this.#closeTagged("sessionId" in target ? sessionTag(target.sessionId) : userTag(target.userId), CLOSE_SESSION_ENDED, reason);
  }

  /**
   * A user's role changed: their sockets close with CLOSE_RECONNECT, and the dashboard reconnects at
   * once from its last seq, tagged with the role it has now (an admin's notices reach an admin, and
   * no longer one who was made an agent). Returns how many closed.
   */
  reconnectUser(userId: string, reason: string): number {
    return this.#closeTagged(userTag(userId), CLOSE_RECONNECT, reason);
  }

  /** Closes every socket with `tag`; returns how many closed. */
  #closeTagged(tag: string, code: number, reason: string): number {
    let closed = 0;
    for (const connection of this.getConnections(tag)) closed += closeQuietly(connection, code, reason);
    return closed;
  }

  /** Tells the tenant's Notification Center about its integrations (a webhook endpoint the outbound queue disabled). */
  integrationNotice(notice: { id: string; title: string; body: string; at: number }) {
    pipeline.integrationNotice(this.#context(), notice);
  }

  /** Sends the webhook events waiting in storage to the outbound queue now; resolves once they are sent (or failed). */
  flushOutbound(): Promise<void> {
    return this.#outbound.flush();
  }

  /** When this instance began (epoch ms): the benchmark's cold rounds tell a woken Switchboard from one that stayed. */
  startedAt() {
    return this.#startedAt;
  }

  /** Ends this instance, as an eviction would (storage stays); only the local server's reset route calls it. */
  reset() {
    this.ctx.abort("reset");
  }

  /**
   * What this Switchboard's storage holds: its SQLite size in bytes, each table's rows, the sockets
   * open now, and when this instance began (a new one after hibernation or eviction). For the
   * benchmark's soak and scale passes (a health route behind HEALTH_KEY); reads only.
   */
  storageStats() {
    const sql = this.ctx.storage.sql;
    const tables = sql
      .exec<{ name: string }>("select name from sqlite_master where type = 'table' and name not glob 'sqlite_*' and name not glob '_cf_*' order by name")
      .toArray()
      .map((r) => r.name);
    const rows = Object.fromEntries(tables.map((t) => [t, sql.exec<{ n: number }>(`select count(*) as n from "${t}"`).one().n]));
    return { databaseSize: sql.databaseSize, rows, sockets: [...this.getConnections()].length, startedAt: this.#startedAt };
  }

  /** Answers at once: the health check's (and the benchmark's) Durable Object round trip. */
  ping() {
    return Date.now();
  }

  /** A live (or recently ended) call, for the REST API. */
  liveCall(id: string) {
    return store.getCall(this.ctx.storage.sql, id)?.call ?? null;
  }

  linkContact(callId: string, contact: { id: string; kind: CallerType; name: string }) {
    return pipeline.linkContact(this.#context(), callId, contact);
  }

  /** Sets, moves or (with null) clears a call's follow-up reminder; it fires from the alarm. */
  async setReminder(callId: string, reminder: store.Reminder | null) {
    store.setReminder(this.ctx.storage.sql, callId, reminder);
    if (reminder) await this.#scheduleAlarm(reminder.dueAt);
  }

  /** The REST API changed routes, receiving numbers, agents or tracking numbers. */
  routingChanged() {
    this.#config.changed();
    // Read again now, behind the API's answer: the next call finds it ready.
    this.#config.get().catch((err: unknown) => console.error("could not read the changed routing configuration", err));
  }

  /**
   * What a dashboard starts from; `read` is the given user's read marks among the notifications, and
   * `unread` how many of all the tenant's notifications they have not read (more than the window holds).
   */
  snapshot(viewer: store.Viewer = { userId: "", admin: true }) {
    const { userId } = viewer;
    const sql = this.ctx.storage.sql;
    const notifications = store.recentNotifications(sql, viewer);
    return {
      seq: store.currentSeq(sql),
      calls: store.activeCalls(sql).map((s) => s.call),
      notifications,
      read: store.readAmong(sql, userId, notifications.map((n) => n.id)),
      unread: store.unreadCount(sql, viewer),
    };
  }

  /** Calls in progress per number, as least-connected routing sees them. */
  connections(numbers: string[]) {
    return Object.fromEntries(numbers.map((n) => [n, store.connectionCount(this.ctx.storage.sql, n)]));
  }

  // Lifecycle ----------------------------------------------------------------------------------

  override async onConnect(connection: Connection<ConnectionState>, ctx: ConnectionContext) {
    this.#greet(connection, ctx);
    // Staff open the dashboard before the calls come: what a call needs is made ready now, not on its path.
    this.#warmUp();
    // After the greeting, which must not wait: while this socket is open, the alarm checks its
    // session (the Worker has just checked it): at its expiry, or within the hour.
    const session = socketSession(connection.state);
    await this.#scheduleAlarm(Math.min(Date.now() + SESSION_IDLE_CHECK_MS, session?.expiresAt ?? Date.now()));
  }

  /** Reads the routing configuration and builds the caller index in the background, when this object has neither. */
  #warmUp() {
    this.#config.get().catch((err: unknown) => console.error("could not read the routing configuration ahead of a call", err));
    this.#callers.ensureBuilt();
  }

  /** The socket's first messages: what it missed since `since`, or a snapshot. */
  #greet(connection: Connection<ConnectionState>, ctx: ConnectionContext) {
    const session = sessionOf(ctx.request);
    connection.setState(session);
    const query = connectQuery.safeParse({ since: new URL(ctx.request.url).searchParams.get("since") ?? undefined });
    const since = query.success ? query.data.since : undefined;
    if (since !== undefined) {
      // Exactly what it missed; JavaScript runs one event at a time here, so nothing slips between.
      const missed = store.eventsSince(this.ctx.storage.sql, since, session);
      if (missed !== null) {
        if (this.#readsMany(connection)) for (let i = 0; i < missed.length; i += REPLAY_PER_FRAME) connection.send(frameOf(missed.slice(i, i + REPLAY_PER_FRAME)));
        else for (const event of missed) connection.send(JSON.stringify(event));
        return;
      }
    }
    this.#send(connection, { type: "snapshot", ...this.snapshot(session) });
  }

  override onMessage(connection: Connection<ConnectionState>, raw: WSMessage) {
    const refused = this.#limits.admit(connection.id, raw);
    if (refused) {
      closeQuietly(connection, refused.code, refused.reason);
      return;
    }
    // Between the alarm's checks, a message is the moment to notice that the socket's session has expired.
    const session = socketSession(connection.state);
    if (session && session.expiresAt <= Date.now()) {
      closeQuietly(connection, CLOSE_SESSION_ENDED, "session expired");
      return;
    }
    const seq = store.currentSeq(this.ctx.storage.sql);
    let data: unknown;
    try {
      data = typeof raw === "string" ? JSON.parse(raw) : undefined;
    } catch {
      data = undefined;
    }
    const parsed = clientMessage.safeParse(data);
    if (!parsed.success) {
      this.#send(connection, { type: "error", seq, message: 'Unknown message; expected JSON like {"type":"ping"}' });
      return;
    }
    switch (parsed.data.type) {
      case "ping":
        // A ping not written as the runtime matches it (other spacing, say) gets the same answer.
        connection.send(PONG_FRAME);
        return;
      case "mark-read":
        pipeline.markRead(this.#context(), { userId: session?.userId ?? "", admin: session?.admin ?? false }, parsed.data.ids);
        return;
      default: {
        const unreachable: never = parsed.data;
        throw new Error(`unhandled client message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  override onClose(connection: Connection) {
    this.#limits.forget(connection.id);
  }

  override onError(connection: Connection) {
    this.#limits.forget(connection.id);
  }

  #send(connection: Connection, message: ServerMessage) {
    connection.send(JSON.stringify(message));
  }

  /**
   * Closes the sockets whose session is over, checked against D1: expired, logged out, its user
   * removed. Returns when to check again (sessions.ts), or null when no socket is left open. When D1
   * cannot answer, the sockets stay and the next check is a minute away.
   */
  async #checkSessions(): Promise<number | null> {
    const open: [Connection, SocketSession][] = [];
    for (const connection of this.getConnections()) {
      const session = socketSession(connection.state);
      if (session) open.push([connection, session]);
      else closeQuietly(connection, CLOSE_RECONNECT, "reconnect");
    }
    if (open.length === 0) return null;
    const now = Date.now();
    try {
      const { ended, nextExpiry } = await endedSessions(this.env.DB, open.map(([, s]) => s.sessionId), now);
      store.setMeta(this.ctx.storage.sql, SESSIONS_CHECKED_KEY, String(now));
      for (const [connection, session] of open) {
        const reason = ended.get(session.sessionId);
        if (reason) closeQuietly(connection, CLOSE_SESSION_ENDED, reason);
      }
      // D1's expiry, not the socket's copy of it: D1's is the one the check goes by.
      return nextExpiry === null ? null : Math.min(now + SESSION_IDLE_CHECK_MS, nextExpiry);
    } catch (err) {
      console.error("could not check the sockets' sessions", err);
      return now + SESSION_CHECK_MS;
    }
  }

  override async onAlarm() {
    // The alarm that is running is no longer set, and whatever it was asked for is done below or asked for again.
    this.#alarmAt = null;
    this.#wantedAt = null;
    this.#backstop = false;
    // Test calls whose time is up end first, so the call log write below takes them too.
    await this.#sandbox.endDue();
    const ctx = this.#context();
    // Changes held by an instance that went before its timer fired.
    pipeline.releaseHeld(ctx);
    pipeline.fireReminders(ctx);
    // The calls the sweep ends are marked pending like any other ended call: the flush writes every pending call.
    pipeline.sweep(ctx);
    await this.flushCallLog();
    if (hasOutbound(ctx.sql)) await this.#outbound.flush();
    if (store.activeCalls(ctx.sql).length > 0 || store.callsPendingLog(ctx.sql).length > 0) {
      await this.#scheduleAlarm(Date.now() + SWEEP_EVERY_MS);
    }
    const reminder = store.nextReminderAt(ctx.sql);
    if (reminder !== null) await this.#scheduleAlarm(reminder);
    // Website visits' leases whose time is up end now; the next one to end brings the alarm back.
    const leaseEnd = dni.expire(ctx.sql, ctx.now);
    if (leaseEnd !== null) await this.#scheduleAlarm(leaseEnd);
    const testCallEnd = this.#sandbox.nextAt();
    if (testCallEnd !== null) await this.#scheduleAlarm(testCallEnd);
    // While sockets are open the check comes round again; without them the alarm may rest.
    const nextCheck = await this.#checkSessions();
    if (nextCheck !== null) await this.#scheduleAlarm(nextCheck);
  }
}

/** What the Worker vouched for on the upgrade request: the user and their session. */
function sessionOf(request: Request): SocketSession {
  const headers = request.headers;
  return { userId: headers.get(USER_HEADER) ?? "", sessionId: headers.get(SESSION_HEADER) ?? "", expiresAt: Number(headers.get(SESSION_EXPIRES_HEADER) ?? 0), admin: headers.get(ROLE_HEADER) === "admin" };
}

/** Closes a socket unless it is closing already (close() throws then); 1 if it closed it, else 0. */
function closeQuietly(connection: Connection, code: number, reason: string): number {
  if (connection.readyState !== WebSocket.OPEN) return 0;
  try {
    connection.close(code, reason);
    return 1;
  } catch {
    return 0;
  }
}

/** When the sockets' sessions were last checked against D1 (the `meta` table: it outlives hibernation). */
const SESSIONS_CHECKED_KEY = "sessions_checked_at";

/** The sockets of admins. */
const ADMINS_TAG = "admins";

/** Which sockets an event goes to: every one of the tenant's (null), or those with a tag. */
function audienceOf(message: EventMessage): string | null {
  if (message.type === "read") return userTag(message.userId);
  if (message.type === "notification" && !store.sees({ admin: false }, message.notification)) return ADMINS_TAG;
  return null;
}

/** The events, in order, cut where the audience changes: each run is one frame to one audience. */
export function runsByAudience(messages: EventMessage[]) {
  const runs: { tag: string | null; events: EventMessage[] }[] = [];
  for (const message of messages) {
    const tag = audienceOf(message);
    const last = runs.at(-1);
    if (last && last.tag === tag) last.events.push(message);
    else runs.push({ tag, events: [message] });
  }
  return runs;
}

/** A frame: one message as itself, several as a JSON array of them (schema/messages.ts, `serverFrame`). */
function frameOf(events: EventMessage[]) {
  return JSON.stringify(events.length === 1 ? events[0] : events);
}

/** The sockets of dashboards that read several events to a frame (they connect with `frames=many`). */
const MANY_TAG = "frames:many";

/** Events per frame when a reconnect replays what it missed. */
const REPLAY_PER_FRAME = 50;

function userTag(userId: string) {
  return `user:${userId}`;
}

const EMPTY_CONFIG: RoutingConfig = { timeZone: "UTC", routes: {}, receiving: {}, agents: {}, trackingNumbers: [] };
const UNKNOWN_CALLER: callers.CallerIdentity = { callerType: "unknown", callerName: null, contactId: null, contactTags: [], firstTime: false };
