/**
 * A dial step's end, once per step. Twilio's Dial action without DialCallSid and Plivo's no-answer
 * name no dialled leg, so the end of step N and of step N+1 look the same but for the step our
 * markup names in the action URL: a retried end is answered with the markup the first one got and
 * moves nothing, an end of a step that is not the current one never takes the call back. Through the
 * real webhooks and the tenant's Switchboard, in both providers' shapes.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, call, login } from "./helpers.ts";
import { createPlivoTenant, plivoVoice, postPlivo, type PlivoTenant } from "./plivo-helpers.ts";
import { dialled, receiving, route, routingTenant, useRoute, type RoutingTenant } from "./routing-helpers.ts";
import { attrOf, dialAction, hexId, pathOf, postTwilio, startCall, switchboardOf, uniqueNumber } from "./twilio-helpers.ts";

const stepOf = (url: string | undefined) => (url ? new URL(url).searchParams.get("step") : null);

/** The same URL naming another step (signed as posted, as the provider would sign it). */
const atStep = (url: string, step: number) => url.replace(/([?&]step=)\d+/, `$1${step}`);

async function ringsNow(t: { id: string }) {
  return (await switchboardOf(t).snapshot()).calls.map((c) => c.terminationNumber);
}

async function logged(t: { id: string }) {
  await switchboardOf(t).flushCallLog();
  return (await env.DB.prepare("select status from calls where tenant_id = ?").bind(t.id).all<{ status: string }>()).results;
}

describe("Twilio: a Dial action without DialCallSid", () => {
  async function hunt(t: RoutingTenant, pattern = "sequential") {
    const [a, b, c] = [await receiving(t, "A"), await receiving(t, "B"), await receiving(t, "C")];
    const r = await route(t, { kind: "dial", name: "Hunt", config: { receivingNumberIds: [a.id, b.id, c.id], pattern, noAnswer: { kind: "voicemail", greeting: "Leave a message." } } });
    await useRoute(t, r.id);
    return [a.number, b.number, c.number];
  }
  const ends = (t: RoutingTenant, callSid: string, url: string, status = "no-answer", extra: Record<string, string> = {}) => dialAction(t, url, callSid, status, extra).then((r) => r.text());

  it("names the step in each dial's action URL, and a retried end advances the hunt once, answered with the same markup", async () => {
    const t = await routingTenant();
    const [a, b, c] = await hunt(t);
    const first = await startCall(t, "+14155551001");
    expect(dialled(first.xml)).toEqual([a]);
    const step1 = first.dialAction!;
    expect(stepOf(step1)).toBe("1");

    const second = await ends(t, first.callSid, step1);
    expect(dialled(second)).toEqual([b]);
    expect(stepOf(attrOf(second, "Dial", "action"))).toBe("2");
    // Twilio posts step 1's end again: B again, not C, and the very same markup.
    expect(await ends(t, first.callSid, step1)).toBe(second);
    expect(await ends(t, first.callSid, step1, "busy")).toBe(second);
    expect(await ringsNow(t)).toEqual([b]);

    const third = await ends(t, first.callSid, attrOf(second, "Dial", "action")!);
    expect(dialled(third)).toEqual([c]);
    const step3 = attrOf(third, "Dial", "action")!;
    expect(stepOf(step3)).toBe("3");
    // The ends of steps 1 and 2, late: the call stays at C.
    expect(await ends(t, first.callSid, step1)).toBe(third);
    expect(await ends(t, first.callSid, atStep(step3, 2))).toBe(third);
    expect(await ringsNow(t)).toEqual([c]);

    expect(await ends(t, first.callSid, step3)).toContain("<Say>Leave a message.</Say><Record ");
    // And C's end again, after the voicemail began: the voicemail's markup, not a second one.
    expect(await ends(t, first.callSid, step3)).toContain("<Say>Leave a message.</Say><Record ");
  });

  it("an end of a step not yet reached moves nothing; the current step's end still does", async () => {
    const t = await routingTenant();
    const [a, b] = await hunt(t);
    const first = await startCall(t, "+14155551002");
    // Step 2's end before step 1 ended (a URL we never named yet): the caller stays at A.
    expect(dialled(await ends(t, first.callSid, atStep(first.dialAction!, 2)))).toEqual([a]);
    expect(await ringsNow(t)).toEqual([a]);
    expect(dialled(await ends(t, first.callSid, first.dialAction!))).toEqual([b]);
  });

  it("a round robin takes one turn per call however often its ends are retried", async () => {
    const t = await routingTenant();
    const [a, b, c] = await hunt(t, "round-robin");
    const first = await startCall(t, "+14155551003");
    expect(dialled(first.xml)).toEqual([a]);
    const rolled = await ends(t, first.callSid, first.dialAction!);
    expect(dialled(rolled)).toEqual([b]);
    expect(await ends(t, first.callSid, first.dialAction!)).toBe(rolled);
    expect(dialled(await ends(t, first.callSid, attrOf(rolled, "Dial", "action")!))).toEqual([c]);
    // One call, one slot: the next call is B's turn, then C's.
    expect(dialled((await startCall(t, "+14155551004")).xml)).toEqual([b]);
    expect(dialled((await startCall(t, "+14155551005")).xml)).toEqual([c]);
  });

  it("an answered step's end, retried, hangs up again and logs the call once", async () => {
    const t = await routingTenant();
    await hunt(t);
    const first = await startCall(t, "+14155551006");
    const answered = { DialCallSid: hexId("CA"), DialCallDuration: "30" };
    expect(await ends(t, first.callSid, first.dialAction!, "completed", answered)).toContain("<Hangup/>");
    expect(await ends(t, first.callSid, first.dialAction!, "completed", answered)).toContain("<Hangup/>");
    // Without the leg's sid too (its retry may lose nothing else): still over.
    expect(await ends(t, first.callSid, first.dialAction!, "no-answer")).toContain("<Hangup/>");
    expect(await logged(t)).toEqual([{ status: "completed" }]);
  });

  it("refuses a step that is not a number, after the signature: 400, nothing moves", async () => {
    const t = await routingTenant();
    const [a] = await hunt(t);
    const first = await startCall(t, "+14155551007");
    for (const bad of ["x", "0", "-1", "1.5", "99999999999"]) {
      const res = await postTwilio(pathOf(first.dialAction!).replace("step=1", `step=${bad}`), { AccountSid: t.accountSid, CallSid: first.callSid, DialCallStatus: "no-answer" }, { token: t.token });
      expect(res.status, bad).toBe(400);
      expect(await res.text()).toMatch(/^Invalid webhook URL: step: /);
    }
    expect(await ringsNow(t)).toEqual([a]);
  });
});

describe("Plivo: a dial that nobody answered (no DialBLegUUID)", () => {
  const attr = (xml: string, name: string) => new RegExp(`<Dial\\b[^>]*\\s${name}="([^"]*)"`).exec(xml)?.[1]?.replace(/&amp;/g, "&");
  const plivoDialled = (xml: string) => [...xml.matchAll(/<Number\b[^>]*>(\d+)<\/Number>/g)].map((m) => `+${m[1]}`);

  async function plivoHunt(t: PlivoTenant) {
    const cookie = await login(t.adminEmail);
    const api = async (method: string, path: string, json: unknown) => {
      const res = await call(path, { method, cookie, json });
      expect(res.status, path).toBeLessThan(300);
      return res.json<{ id: string; number: string }>();
    };
    const numbers = [];
    for (const label of ["A", "B", "C"]) numbers.push(await api("POST", "/api/receiving-numbers", { number: uniqueNumber(), label }));
    const r = await api("POST", "/api/routes", { kind: "dial", name: "Hunt", config: { receivingNumberIds: numbers.map((n) => n.id), pattern: "sequential", noAnswer: { kind: "hangup" } } });
    await api("PATCH", `/api/tracking-numbers/${t.trackingNumberId}`, { routeId: r.id });
    return numbers.map((n) => n.number);
  }

  it("advances once per step, answers a retry with the same XML, and never goes back", async () => {
    const t = await createPlivoTenant();
    const [a, b, c] = await plivoHunt(t);
    const voice = plivoVoice(t, "+14155550177");
    const xml = await (await postPlivo(`/webhooks/plivo/voice?auth_id=${t.authId}`, voice, { token: t.token })).text();
    expect(plivoDialled(xml)).toEqual([a]);
    const step1 = attr(xml, "action")!;
    expect(step1).toBe(`${BASE}/webhooks/plivo/dial-action?tenant=${encodeURIComponent(t.id)}&auth_id=${t.authId}&step=1`);
    const noAnswer = (url: string) => postPlivo(pathOf(url), { CallUUID: voice.CallUUID, DialStatus: "no-answer", DialBLegUUID: "" }, { token: t.token }).then((r) => r.text());

    const second = await noAnswer(step1);
    expect(plivoDialled(second)).toEqual([b]);
    expect(await noAnswer(step1)).toBe(second);
    expect(await ringsNow(t)).toEqual([b]);

    const third = await noAnswer(attr(second, "action")!);
    expect(plivoDialled(third)).toEqual([c]);
    // Reordered: step 1's end, then step 2's, after step 3 began.
    expect(await noAnswer(step1)).toBe(third);
    expect(await noAnswer(attr(second, "action")!)).toBe(third);
    expect(await ringsNow(t)).toEqual([c]);

    expect(await noAnswer(attr(third, "action")!)).toContain("<Hangup/>");
    expect(await logged(t)).toEqual([{ status: "no-answer" }]);
  });
});

describe("a voice menu's answer, once per step", () => {
  async function menu(t: RoutingTenant) {
    const [sales, operator] = [await receiving(t, "Sales"), await receiving(t, "Operator")];
    const r = await route(t, {
      kind: "menu",
      name: "Main menu",
      config: { greeting: "Press 1 for sales.", options: [{ digit: "1", target: { kind: "receiving", id: sales.id } }], timeoutSeconds: 4, attempts: 2, timeoutTarget: { kind: "receiving", id: operator.id } },
    });
    await useRoute(t, r.id);
    return { sales: sales.number, operator: operator.number };
  }
  const press = (t: RoutingTenant, callSid: string, url: string, digits: string | null) =>
    postTwilio(pathOf(url), { AccountSid: t.accountSid, CallSid: callSid, ...(digits === null ? {} : { Digits: digits }) }, { token: t.token }).then((r) => r.text());
  const gatherOf = (xml: string) => attrOf(xml, "Gather", "action")!;

  it("a retried wrong key is one wrong key: the menu is offered again, not given up on; a retried right key rings once", async () => {
    const t = await routingTenant();
    const { sales, operator } = await menu(t);
    const start = await startCall(t, "+14155551011");
    const step1 = gatherOf(start.xml);
    expect(stepOf(step1)).toBe("1");
    const again = await press(t, start.callSid, step1, "7");
    expect(again).toContain("<Say>Sorry, that is not an option. Press 1 for sales.</Say>");
    expect(stepOf(gatherOf(again))).toBe("2");
    // Twilio posts the same key press again: the same answer, and the menu's second (last) attempt is still to come.
    expect(await press(t, start.callSid, step1, "7")).toBe(again);
    expect(await press(t, start.callSid, step1, null)).toBe(again);
    // Without the step, a retry would have used the last attempt and sent the caller to the operator.
    const rung = await press(t, start.callSid, gatherOf(again), "1");
    expect(dialled(rung)).toEqual([sales]);
    expect(dialled(rung)).not.toContain(operator);
    // The right key's answer, retried after it dialled, dials the same and takes no second turn.
    expect(await press(t, start.callSid, gatherOf(again), "1")).toBe(rung);
    expect(await ringsNow(t)).toEqual([sales]);
  });

  it("refuses a step that is not a number: 400, nothing moves", async () => {
    const t = await routingTenant();
    await menu(t);
    const start = await startCall(t, "+14155551012");
    const res = await postTwilio(pathOf(gatherOf(start.xml)).replace("step=1", "step=x"), { AccountSid: t.accountSid, CallSid: start.callSid, Digits: "1" }, { token: t.token });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^Invalid webhook URL: step: /);
    expect(await press(t, start.callSid, gatherOf(start.xml), "7")).toContain("Sorry, that is not an option");
  });
});
