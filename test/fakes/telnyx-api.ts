/**
 * A local stand-in for the parts of Telnyx's v2 REST API Switchboard uses (api.telnyx.com cannot be
 * reached from here), in Telnyx's documented shapes (`{ data }`, `{ errors: [{ code, title, detail }] }`):
 * available_phone_numbers, texml_applications, number_orders (asynchronous: an order is pending at
 * first and done when next read), phone_numbers (read, filter, update, delete) and balance. Numbers
 * are fictional (555-01xx); an API key starting with "bad" is refused (401), as Telnyx refuses a wrong one.
 * Like Telnyx, each key is an account of its own: it sees only its own applications, orders and numbers.
 */
import { Hono } from "hono";

type Application = { id: string; owner: string; friendly_name: string; voice_url: string; voice_method: string; voice_fallback_url: string; status_callback: string; status_callback_method: string };
type Order = { id: string; owner: string; status: "pending" | "success" | "failure"; connection_id: string; phone_numbers: { id: string; phone_number: string; status: string }[] };
type PhoneNumber = { id: string; owner: string; phone_number: string; connection_id: string | null; status: string };

/** The fake's accounts (it runs in Node, beside miniflare: tests read it through the API, as a client would). */
const telnyxState = { applications: new Map<string, Application>(), orders: new Map<string, Order>(), numbers: new Map<string, PhoneNumber>() };

function telnyxError(status: number, code: string, title: string, detail?: string) {
  return Response.json({ errors: [{ code, title, detail: detail ?? title }] }, { status });
}

const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join("");
const REGION_AREA_CODES: Record<string, string> = { CA: "415", NY: "212", IL: "312", TX: "512", WA: "206" };
const taken = (number: string) => [...telnyxState.numbers.values()].some((n) => n.phone_number === number);

/** An order completes when read again; a number in area code 998 fails, as a number taken meanwhile would. */
function settle(order: Order) {
  if (order.status !== "pending") return;
  if (order.phone_numbers.some((p) => p.phone_number.startsWith("+1998") || taken(p.phone_number))) {
    order.status = "failure";
    return;
  }
  order.status = "success";
  for (const p of order.phone_numbers) {
    p.status = "success";
    const id = digits(19);
    telnyxState.numbers.set(id, { id, owner: order.owner, phone_number: p.phone_number, connection_id: order.connection_id, status: "active" });
  }
}

function applicationFields(body: Record<string, unknown>, into: Partial<Application>) {
  for (const field of ["friendly_name", "voice_url", "voice_method", "voice_fallback_url", "status_callback", "status_callback_method"] as const) {
    if (typeof body[field] === "string") into[field] = body[field];
  }
}

export const fakeTelnyx = new Hono<{ Variables: { owner: string } }>({ strict: false })
  .basePath("/v2")
  .use(async (c, next) => {
    const key = /^Bearer (.+)$/.exec(c.req.header("Authorization") ?? "")?.[1];
    if (!key || key.startsWith("bad")) return telnyxError(401, "10009", "Authentication failed", "The API key is not valid");
    c.set("owner", key);
    await next();
  })
  .get("/balance", (c) => c.json({ data: { record_type: "balance", balance: "300.00", credit_limit: "100.00", available_credit: "400.00", currency: "USD" } }))
  .get("/available_phone_numbers", (c) => {
    const code = c.req.query("filter[national_destination_code]") ?? REGION_AREA_CODES[c.req.query("filter[administrative_area]") ?? ""];
    const limit = Number(c.req.query("filter[limit]") ?? 20);
    if (!code) return telnyxError(400, "10015", "Bad request", "Give filter[national_destination_code] or filter[administrative_area]");
    const free = code === "999" ? [] : Array.from({ length: 100 }, (_, i) => `+1${code}55501${String(i).padStart(2, "0")}`).filter((n) => !taken(n));
    return c.json({
      data: free.slice(0, limit).map((phone_number) => ({
        record_type: "available_phone_number",
        phone_number,
        vanity_format: null,
        best_effort: false,
        quickship: true,
        reservable: true,
        region_information: [
          { region_type: "country_code", region_name: "US" },
          { region_type: "rate_center", region_name: "SNFC CNTRL" },
          { region_type: "state", region_name: c.req.query("filter[administrative_area]") ?? "CA" },
          { region_type: "location", region_name: "San Francisco" },
        ],
        cost_information: { upfront_cost: "1.00", monthly_cost: "1.00", currency: "USD" },
        features: [{ name: "voice" }, { name: "sms" }],
      })),
      metadata: { total_results: Math.min(limit, free.length), best_effort_results: 0 },
    });
  })
  .post("/texml_applications", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    if (typeof body.friendly_name !== "string" || typeof body.voice_url !== "string") return telnyxError(422, "10015", "Invalid parameter", "friendly_name and voice_url are required");
    const app: Application = { id: digits(19), owner: c.get("owner"), friendly_name: "", voice_url: "", voice_method: "get", voice_fallback_url: "", status_callback: "", status_callback_method: "get" };
    applicationFields(body, app);
    telnyxState.applications.set(app.id, app);
    return c.json({ data: { record_type: "texml_application", ...app, owner: undefined } }, 201);
  })
  .get("/texml_applications", (c) => c.json({ data: [...telnyxState.applications.values()].filter((a) => a.owner === c.get("owner")).map((a) => ({ record_type: "texml_application", ...a, owner: undefined })) }))
  .get("/texml_applications/:id", (c) => {
    const app = telnyxState.applications.get(c.req.param("id"));
    if (!app || app.owner !== c.get("owner")) return telnyxError(404, "10005", "Resource not found");
    return c.json({ data: { record_type: "texml_application", ...app, owner: undefined } });
  })
  .patch("/texml_applications/:id", async (c) => {
    const app = telnyxState.applications.get(c.req.param("id"));
    if (!app || app.owner !== c.get("owner")) return telnyxError(404, "10005", "Resource not found");
    applicationFields((await c.req.json().catch(() => ({}))) as Record<string, unknown>, app);
    return c.json({ data: { record_type: "texml_application", ...app, owner: undefined } });
  })
  .delete("/texml_applications/:id", (c) => {
    const app = telnyxState.applications.get(c.req.param("id"));
    if (!app || app.owner !== c.get("owner")) return telnyxError(404, "10005", "Resource not found");
    telnyxState.applications.delete(app.id);
    return c.json({ data: { record_type: "texml_application", ...app, owner: undefined } });
  })
  .post("/number_orders", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { phone_numbers?: { phone_number?: string }[]; connection_id?: string };
    const wanted = body.phone_numbers?.map((p) => p.phone_number).filter((n): n is string => typeof n === "string") ?? [];
    if (!wanted.length) return telnyxError(422, "10015", "Invalid parameter", "phone_numbers is required");
    if (wanted.some(taken)) return telnyxError(422, "85001", "Number not available", `${wanted.find(taken)} is not available`);
    const order: Order = { id: crypto.randomUUID(), owner: c.get("owner"), status: "pending", connection_id: body.connection_id ?? "", phone_numbers: wanted.map((phone_number) => ({ id: crypto.randomUUID(), phone_number, status: "pending" })) };
    telnyxState.orders.set(order.id, order);
    return c.json({ data: { record_type: "number_order", ...order, owner: undefined, phone_numbers_count: wanted.length } });
  })
  .get("/number_orders/:id", (c) => {
    const order = telnyxState.orders.get(c.req.param("id"));
    if (!order || order.owner !== c.get("owner")) return telnyxError(404, "10005", "Resource not found");
    settle(order);
    return c.json({ data: { record_type: "number_order", ...order, owner: undefined } });
  })
  .get("/phone_numbers", (c) => {
    const number = c.req.query("filter[phone_number]");
    const mine = [...telnyxState.numbers.values()].filter((n) => n.owner === c.get("owner") && (!number || n.phone_number === number));
    return c.json({ data: mine.map((n) => ({ record_type: "phone_number", ...n, owner: undefined })), meta: { total_results: mine.length } });
  })
  .get("/phone_numbers/:id", (c) => {
    const phone = telnyxState.numbers.get(c.req.param("id"));
    if (!phone || phone.owner !== c.get("owner")) return telnyxError(404, "10005", "Resource not found");
    return c.json({ data: { record_type: "phone_number", ...phone, owner: undefined } });
  })
  .patch("/phone_numbers/:id", async (c) => {
    const phone = telnyxState.numbers.get(c.req.param("id"));
    if (!phone || phone.owner !== c.get("owner")) return telnyxError(404, "10005", "Resource not found");
    const body = (await c.req.json().catch(() => ({}))) as { connection_id?: string };
    if (typeof body.connection_id === "string") phone.connection_id = body.connection_id;
    return c.json({ data: { record_type: "phone_number", ...phone, owner: undefined } });
  })
  .delete("/phone_numbers/:id", (c) => {
    const phone = telnyxState.numbers.get(c.req.param("id"));
    if (!phone || phone.owner !== c.get("owner")) return telnyxError(404, "10005", "Resource not found");
    telnyxState.numbers.delete(phone.id);
    return c.json({ data: { record_type: "phone_number", ...phone, owner: undefined, status: "deleted" } });
  });
