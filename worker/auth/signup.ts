/**
 * Self-service sign-up, `POST /api/signup`: a new tenant, its first user as admin, and a sandbox
 * Twilio account so numbers can be bought (from the fictional range) before any real provider is
 * set up. Public like the login, and throttled per client; `SIGNUP = "closed"` turns it off.
 */
import { Hono } from "hono/tiny";
import { eq, like, or } from "drizzle-orm";
import { signupBody } from "../../schema/api.ts";
import { getDb, type Db } from "../../schema/d1.ts";
import { providerAccounts, tenants, users } from "../../schema/db.ts";
import type { AppEnv } from "../env.ts";
import { encryptSecret, hashPassword } from "../lib/crypto.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { overLimit, startSession } from "./routes.ts";
import { findUserByEmail } from "./queries.ts";
import { firstFreeSlug, sandboxTwilioCredentials, slugOf } from "./new-tenant.ts";
import { lazy } from "../../schema/lazy.ts";

// The operator's CLI (scripts/admin.ts) makes tenants the same way, from ./new-tenant.ts.
export { slugOf };

const EMAIL_TAKEN = "An account with this email already exists; log in instead";

/** The business's slug, or with the first free `-2`, `-3`… when another tenant has it. */
async function freeSlug(db: Db, base: string) {
  return firstFreeSlug(base, new Set((await db.select({ slug: tenants.slug }).from(tenants).where(or(eq(tenants.slug, base), like(tenants.slug, `${base}-%`)))).map((t) => t.slug)));
}

export const signupRoutes = lazy(() => new Hono<AppEnv>().post("/", validate("json", signupBody), async (c) => {
  if (c.env.SIGNUP === "closed") return apiError(c, 403, "Sign-up is closed here; ask an admin of your business for an account");
  const body = c.req.valid("json");
  const db = getDb(c.env.DB);
  const refused = await overLimit(c, db, "signup", "Too many sign-ups from here; try again later");
  if (refused) return refused;
  if (await findUserByEmail(db, body.email)) return apiError(c, 409, EMAIL_TAKEN);

  const passwordHash = await hashPassword(body.password);
  const credentials = sandboxTwilioCredentials();
  const credentialsEncrypted = await encryptSecret(JSON.stringify(credentials), c.env.SECRETS_KEY);
  const base = slugOf(body.business);
  // Two sign-ups may pick the same free slug (or email) at once: the unique indexes decide, and the loser tries again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const tenantId = `tnt_${crypto.randomUUID()}`;
    const user = { id: `usr_${crypto.randomUUID()}`, tenantId, email: body.email, name: body.name, role: "admin" as const, passwordHash };
    try {
      await db.batch([
        db.insert(tenants).values({ id: tenantId, slug: await freeSlug(db, base), name: body.business, ...(body.timeZone ? { timeZone: body.timeZone } : {}), ...(body.country ? { defaultCountry: body.country } : {}) }),
        db.insert(users).values(user),
        db.insert(providerAccounts).values({ id: `pra_${crypto.randomUUID()}`, tenantId, provider: "twilio", externalId: credentials.accountSid, credentialsEncrypted, sandbox: true, updatedBy: body.name }),
      ]);
    } catch (err) {
      if (!/UNIQUE/i.test(`${String(err)} ${String((err as { cause?: unknown }).cause)}`)) throw err;
      if (await findUserByEmail(db, body.email)) return apiError(c, 409, EMAIL_TAKEN);
      continue;
    }
    const created = await db.query.users.findFirst({ where: eq(users.id, user.id) });
    return c.json(await startSession(c, db, created!), 201);
  }
  return apiError(c, 503, "Could not pick a free address for the business; try again");
}));
