/**
 * A local stand-in for the parts of Plivo's REST API Switchboard uses (api.plivo.com cannot be
 * reached from here), in Plivo's documented shapes: PhoneNumber search and rent, Number read,
 * update and unrent, Application create, read, modify and delete, the account's own details, and
 * Plivo's error bodies (`{ api_id, error }`). Numbers are fictional (555-01xx) and written as Plivo
 * writes them, digits without "+". An account whose auth token starts with "bad" is refused, as
 * Plivo refuses wrong credentials.
 */
import { Hono } from "hono";

type Application = { app_id: string; auth_id: string; app_name: string; answer_url: string; answer_method: string; hangup_url: string; hangup_method: string; fallback_answer_url: string; fallback_method: string };
type Rented = { number: string; auth_id: string; alias: string | null; app_id: string | null; added_on: string };

const applications = new Map<string, Application>();
const rented = new Map<string, Rented>();

const apiId = () => crypto.randomUUID();

function plivoError(status: number, error: string) {
  return Response.json({ api_id: apiId(), error }, { status });
}

const REGION_AREA_CODES: Record<string, string> = { California: "415", CA: "415", "New York": "212", NY: "212", Texas: "512", TX: "512" };

/** The applications and numbers of the fake, for tests that look at what was configured. */
export const plivoState = { applications, rented };

const APP_FIELDS = ["app_name", "answer_url", "answer_method", "hangup_url", "hangup_method", "fallback_answer_url", "fallback_method"] as const;

async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  try {
    const body = (await request.json()) as unknown;
    return body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export const fakePlivo = new Hono<{ Variables: { authId: string } }>({ strict: false })
  .basePath("/v1/Account/:authId")
  .use(async (c, next) => {
    const authId = c.req.param("authId")!;
    const auth = c.req.header("Authorization") ?? "";
    const [user, token] = atob(auth.replace(/^Basic /, "")).split(":");
    // Plivo answers a wrong auth id or token with a bare 401 text.
    if (!auth.startsWith("Basic ") || user !== authId || !token || token.startsWith("bad")) return c.text("Could not verify your access level for that URL.\nYou have to login with proper credentials", 401);
    c.set("authId", authId);
    await next();
  })
  .get("/", (c) => c.json({ account_type: "standard", address: "", api_id: apiId(), auth_id: c.get("authId"), auto_recharge: false, billing_mode: "prepaid", cash_credits: "12.50000", city: "", name: "Switchboard test", resource_uri: `/v1/Account/${c.get("authId")}/`, state: "", timezone: "America/Los_Angeles" }))
  .get("/PhoneNumber", (c) => {
    if (c.req.query("country_iso") === undefined) return plivoError(400, "country_iso is required");
    const code = c.req.query("pattern")?.slice(0, 3) ?? REGION_AREA_CODES[c.req.query("region") ?? ""];
    const limit = Math.min(Number(c.req.query("limit") ?? 20), 20);
    // 999 has no numbers to offer, as an exhausted area code would.
    const free = !code || code === "999" ? [] : Array.from({ length: 100 }, (_, i) => `1${code}55501${String(i).padStart(2, "0")}`).filter((n) => !rented.has(n));
    const objects = free.slice(0, limit).map((number) => ({
      number,
      prefix: code,
      city: "SAN FRANCISCO",
      country: "UNITED STATES",
      region: "United States",
      rate_center: "SNFC CNTRL",
      lata: 722,
      type: "local",
      sub_type: "local",
      voice_enabled: true,
      sms_enabled: true,
      mms_enabled: true,
      monthly_rental_rate: "0.50000",
      setup_rate: "0.00000",
      voice_rate: "0.00850",
      sms_rate: "0.00000",
      restriction: null,
      restriction_text: null,
      resource_uri: `/v1/Account/${c.get("authId")}/PhoneNumber/${number}/`,
    }));
    return c.json({ api_id: apiId(), meta: { limit, next: null, offset: 0, previous: null, total_count: objects.length }, objects });
  })
  .post("/PhoneNumber/:number", async (c) => {
    const number = c.req.param("number");
    if (!/^1\d{10}$/.test(number)) return plivoError(404, "not found");
    if (rented.has(number)) return plivoError(400, "Number is not available for rental");
    const body = await jsonBody(c.req.raw);
    const appId = typeof body.app_id === "string" ? body.app_id : null;
    if (appId && applications.get(appId)?.auth_id !== c.get("authId")) return plivoError(404, "Application not found");
    rented.set(number, { number, auth_id: c.get("authId"), alias: null, app_id: appId, added_on: new Date().toISOString().slice(0, 10) });
    return c.json({ api_id: apiId(), message: "created", numbers: [{ number, status: "Success" }], status: "fulfilled" }, 201);
  })
  .get("/Number/:number", (c) => {
    const found = rented.get(c.req.param("number"));
    if (!found || found.auth_id !== c.get("authId")) return plivoError(404, "not found");
    return c.json({
      added_on: found.added_on,
      alias: found.alias,
      api_id: apiId(),
      application: found.app_id ? `/v1/Account/${found.auth_id}/Application/${found.app_id}/` : null,
      carrier: "Plivo",
      monthly_rental_rate: "0.50000",
      number: found.number,
      number_type: "local",
      region: "California, UNITED STATES",
      resource_uri: `/v1/Account/${found.auth_id}/Number/${found.number}/`,
      voice_enabled: true,
    });
  })
  .post("/Number/:number", async (c) => {
    const found = rented.get(c.req.param("number"));
    if (!found || found.auth_id !== c.get("authId")) return plivoError(404, "not found");
    const body = await jsonBody(c.req.raw);
    if (typeof body.app_id === "string") {
      if (applications.get(body.app_id)?.auth_id !== c.get("authId")) return plivoError(404, "Application not found");
      found.app_id = body.app_id;
    }
    if (typeof body.alias === "string") found.alias = body.alias;
    return c.json({ api_id: apiId(), message: "changed" }, 202);
  })
  .delete("/Number/:number", (c) => {
    const found = rented.get(c.req.param("number"));
    if (!found || found.auth_id !== c.get("authId")) return plivoError(404, "not found");
    rented.delete(found.number);
    return c.body(null, 204);
  })
  .post("/Application", async (c) => {
    const body = await jsonBody(c.req.raw);
    if (typeof body.app_name !== "string" || !body.app_name) return plivoError(400, "app_name is required");
    const app = { app_id: String(10n ** 16n + BigInt(Math.floor(Math.random() * 1e15))), auth_id: c.get("authId") } as Application;
    for (const field of APP_FIELDS) app[field] = typeof body[field] === "string" ? body[field] : field.endsWith("method") ? "POST" : "";
    applications.set(app.app_id, app);
    return c.json({ api_id: apiId(), app_id: app.app_id, message: "created" }, 201);
  })
  .get("/Application/:id", (c) => {
    const app = applications.get(c.req.param("id"));
    if (!app || app.auth_id !== c.get("authId")) return plivoError(404, "not found");
    const { auth_id: _owner, ...fields } = app;
    return c.json({ ...fields, api_id: apiId(), resource_uri: `/v1/Account/${app.auth_id}/Application/${app.app_id}/` });
  })
  .post("/Application/:id", async (c) => {
    const app = applications.get(c.req.param("id"));
    if (!app || app.auth_id !== c.get("authId")) return plivoError(404, "not found");
    const body = await jsonBody(c.req.raw);
    for (const field of APP_FIELDS) if (typeof body[field] === "string") app[field] = body[field];
    return c.json({ api_id: apiId(), message: "changed" }, 202);
  })
  .delete("/Application/:id", (c) => {
    const app = applications.get(c.req.param("id"));
    if (!app || app.auth_id !== c.get("authId")) return plivoError(404, "not found");
    applications.delete(app.app_id);
    return c.body(null, 204);
  });
