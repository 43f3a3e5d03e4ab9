/**
 * A local stand-in for the parts of Vonage's REST APIs Switchboard uses, in Vonage's documented
 * shapes: the Numbers API on rest.nexmo.com (search, buy, update, cancel, account balance: key and
 * secret as parameters, results as `error-code`) and the Applications API v2 on api.nexmo.com
 * (read and update an application, Basic auth). Numbers are fictional (555-01xx); a key whose
 * secret starts with "bad" is refused, as Vonage refuses wrong credentials.
 */
import { Hono, type Context } from "hono";

type Owned = { country: string; msisdn: string; apiKey: string; app_id: string | null };
type Application = { id: string; name: string; capabilities: { voice?: Record<string, unknown> } };

const owned = new Map<string, Owned>();
const applications = new Map<string, Application>();

const result = (code: string, label: string, status = 200) => Response.json({ "error-code": code, "error-code-label": label }, { status });

/** The key and secret, as query parameters or (POST) form fields, and the form. */
async function keysOf(c: Context) {
  const form = new URLSearchParams(c.req.method === "POST" ? await c.req.text() : "");
  const apiKey = c.req.query("api_key") ?? form.get("api_key");
  const apiSecret = c.req.query("api_secret") ?? form.get("api_secret");
  return apiKey && apiSecret && !apiSecret.startsWith("bad") ? { apiKey, form } : null;
}

export const fakeVonageRest = new Hono<{ Variables: { form: URLSearchParams; apiKey: string } }>({ strict: false })
  .use(async (c, next) => {
    const keys = await keysOf(c);
    if (!keys) return result("401", "authentication failed", 401);
    c.set("apiKey", keys.apiKey);
    c.set("form", keys.form);
    await next();
  })
  .get("/account/get-balance", (c) => c.json({ value: 10.28, autoReload: false }))
  .get("/number/search", (c) => {
    const pattern = c.req.query("pattern") ?? "1415";
    const size = Number(c.req.query("size") ?? 10);
    // 1999 has no numbers to offer, as an exhausted area code would.
    const free = pattern.startsWith("1999") ? [] : Array.from({ length: 100 }, (_, i) => `${pattern.padEnd(4, "5").slice(0, 4)}55501${String(i).padStart(2, "0")}`).filter((n) => !owned.has(n));
    return c.json({ count: free.length, numbers: free.slice(0, size).map((msisdn) => ({ country: "US", msisdn, type: "landline", cost: "0.90", features: ["VOICE", "SMS"] })) });
  })
  .post("/number/buy", (c) => {
    const form = c.get("form");
    const msisdn = form.get("msisdn");
    if (!msisdn || !form.get("country")) return result("420", "Numbers from this country can be requested from the Dashboard", 420);
    if (owned.has(msisdn)) return result("420", "method failed", 420);
    owned.set(msisdn, { country: form.get("country")!, msisdn, apiKey: c.get("apiKey"), app_id: null });
    return result("200", "success");
  })
  .post("/number/update", (c) => {
    const form = c.get("form");
    const number = owned.get(form.get("msisdn") ?? "");
    if (!number || number.apiKey !== c.get("apiKey")) return result("420", "method failed", 420);
    number.app_id = form.get("app_id");
    return result("200", "success");
  })
  .post("/number/cancel", (c) => {
    const form = c.get("form");
    const number = owned.get(form.get("msisdn") ?? "");
    if (!number || number.apiKey !== c.get("apiKey")) return result("420", "method failed", 420);
    owned.delete(number.msisdn);
    return result("200", "success");
  });

export const fakeVonageApi = new Hono({ strict: false })
  .use(async (c, next) => {
    const [key, secret] = atob((c.req.header("Authorization") ?? "").replace(/^Basic /, "")).split(":");
    if (!key || !secret || secret.startsWith("bad")) return c.json({ type: "https://developer.nexmo.com/api-errors#unauthorized", title: "Unauthorized", detail: "You did not provide correct credentials." }, 401);
    await next();
  })
  .get("/v2/applications/:id", (c) => {
    const id = c.req.param("id");
    const app = applications.get(id) ?? { id, name: "Switchboard", capabilities: {} };
    applications.set(id, app);
    return c.json(app);
  })
  .put("/v2/applications/:id", async (c) => {
    const body = (await c.req.json()) as Partial<Application>;
    if (!body.name) return c.json({ type: "https://developer.nexmo.com/api-errors#bad-request", title: "Bad Request", detail: "name is required" }, 400);
    const app = { id: c.req.param("id"), name: body.name, capabilities: body.capabilities ?? {} };
    applications.set(app.id, app);
    return c.json(app);
  });

