// Request shapes of the OS-TRUST routes, for fastify and the OpenAPI document. The create body is checked
// against py-keystone's own JSON schema after policy (body-schema.ts); the zod form here documents it.
import { z } from 'zod';

export const trustParams = z.object({ trust_id: z.string() });
export const trustRoleParams = z.object({ trust_id: z.string(), role_id: z.string() });

/** A repeated query key arrives as a list; py-keystone's request.args.get reads its first value. */
const firstValue = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v[0] : v))
  .optional();

/** Any other query key is allowed, and matters: a query naming neither user lists no trusts. */
export const trustListQuery = z.looseObject({
  trustor_user_id: firstValue.describe('Trusts this user delegated from'),
  trustee_user_id: firstValue.describe('Trusts delegated to this user'),
});

const roleReference = z.union([z.object({ id: z.string() }), z.object({ name: z.string() })]);

export const trustCreateBody = z.object({
  trust: z.looseObject({
    trustor_user_id: z.string().describe('Must be the caller'),
    trustee_user_id: z.string(),
    impersonation: z.boolean().describe("Whether the trustee's tokens name the trustor as their user"),
    project_id: z.string().nullable().optional(),
    roles: z.array(roleReference).optional().describe('Roles the trustor holds on the project, by id or unique name'),
    expires_at: z.string().nullable().optional(),
    remaining_uses: z.number().int().min(1).nullable().optional().describe('Tokens that may be issued from the trust'),
    allow_redelegation: z.boolean().nullable().optional(),
    redelegation_count: z.number().int().min(0).nullable().optional(),
  }),
});
