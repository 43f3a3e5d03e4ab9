import type { Context } from "hono";
import { Hono } from "hono/tiny";
import * as z from "zod/mini";
import { contactCreate, contactListQuery, contactUpdate, phoneInput } from "../../schema/api.ts";
import type { AppEnv } from "../env.ts";
import { getDb } from "../../schema/d1.ts";
import { isTenantCall } from "../calls/owned.ts";
import { emitEvent } from "../outbound/events.ts";
import { apiError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { addPhone, createContact, deleteContact, getContact, listContacts, normalisePhoneInputs, updateContact } from "./queries.ts";
import { lazy } from "../../schema/lazy.ts";

const idParam = lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) }));

/** Phones that do not read as numbers, reported like any other invalid body. */
function invalidPhones(c: Context<AppEnv>, issues: { path: string; message: string }[]) {
  return apiError(c, 400, `Invalid json: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
}

/**
 * Tells the tenant's Switchboard which contacts changed (null: too many to name), so its caller
 * index matches the next call by what was just saved. The write stands if the notice fails: the
 * Switchboard checks every call's caller against D1 and heals then.
 */
export async function contactsChanged(c: Context<AppEnv>, contactIds: string[] | null) {
  try {
    await c.env.Switchboard.getByName(c.get("auth").tenant.id).contactsChanged(contactIds);
  } catch (err) {
    console.error("the Switchboard missed a contacts change; its next calls will catch up", err);
  }
}

export const contactRoutes = lazy(() => new Hono<AppEnv>()
  .get("/", validate("query", contactListQuery), async (c) => {
    const { tenant } = c.get("auth");
    const query = c.req.valid("query");
    const page = await listContacts(getDb(c.env.DB), tenant.id, query, tenant.defaultCountry);
    return c.json({ ...page, limit: query.limit, offset: query.offset });
  })
  .post("/", validate("json", contactCreate), async (c) => {
    const { tenant } = c.get("auth");
    const { phones: typed, ...fields } = c.req.valid("json");
    const { phones, issues } = normalisePhoneInputs(typed, tenant.defaultCountry);
    if (issues.length) return invalidPhones(c, issues);
    if (fields.createdFromCallId && !(await isTenantCall(c.env, tenant.id, fields.createdFromCallId))) {
      return apiError(c, 400, "Invalid json: createdFromCallId: no such call", [{ path: "createdFromCallId", message: "no such call" }]);
    }
    const db = getDb(c.env.DB);
    const id = await createContact(db, tenant.id, fields, phones);
    await contactsChanged(c, [id]);
    const contact = await getContact(db, tenant.id, id);
    emitEvent(c, "contact.created", contact);
    return c.json(contact, 201);
  })
  .get("/:id", validate("param", idParam), async (c) => {
    const contact = await getContact(getDb(c.env.DB), c.get("auth").tenant.id, c.req.valid("param").id);
    return contact ? c.json(contact) : apiError(c, 404, "No such contact");
  })
  .patch("/:id", validate("param", idParam), validate("json", contactUpdate), async (c) => {
    const { tenant } = c.get("auth");
    const { phones: typed, ...fields } = c.req.valid("json");
    let phones;
    if (typed) {
      const result = normalisePhoneInputs(typed, tenant.defaultCountry);
      if (result.issues.length) return invalidPhones(c, result.issues);
      phones = result.phones;
    }
    const db = getDb(c.env.DB);
    const { id } = c.req.valid("param");
    const updated = await updateContact(db, tenant.id, id, fields, phones);
    if (!updated) return apiError(c, 404, "No such contact");
    await contactsChanged(c, [id]);
    const contact = await getContact(db, tenant.id, id);
    emitEvent(c, "contact.updated", contact);
    return c.json(contact);
  })
  .post("/:id/phones", validate("param", idParam), validate("json", phoneInput), async (c) => {
    const { tenant } = c.get("auth");
    const { id } = c.req.valid("param");
    const db = getDb(c.env.DB);
    const contact = await getContact(db, tenant.id, id);
    if (!contact) return apiError(c, 404, "No such contact");
    const { phones, issues } = normalisePhoneInputs([c.req.valid("json")], tenant.defaultCountry);
    if (issues.length) return invalidPhones(c, issues);
    const phone = phones[0]!;
    if (contact.phones.some((p) => p.number === phone.number && p.extension === phone.extension)) return apiError(c, 409, `${contact.name} has ${phone.number} already`);
    await addPhone(db, tenant.id, id, phone);
    await contactsChanged(c, [id]);
    const updated = await getContact(db, tenant.id, id);
    emitEvent(c, "contact.updated", updated);
    return c.json(updated, 201);
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const deleted = await deleteContact(getDb(c.env.DB), c.get("auth").tenant.id, id);
    if (deleted) await contactsChanged(c, [id]);
    return deleted ? c.body(null, 204) : apiError(c, 404, "No such contact");
  }));
