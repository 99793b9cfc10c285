// The body of POST /v3/auth/tokens, validated as loosely as py-keystone's JSON schema (unknown keys are allowed
// and ignored) but with the same required parts, so a malformed request is a 400 and never reaches a method.
import { z } from 'zod';
import { ValidationError } from '../errors.js';

const named = z.looseObject({ id: z.string().optional(), name: z.string().optional() });

const userRef = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  password: z.string().optional(),
  domain: named.optional(),
});

export const authRequestSchema = z.object({
  auth: z.looseObject({
    identity: z.looseObject({
      methods: z.array(z.string()),
      password: z.looseObject({ user: userRef.optional() }).optional(),
      token: z.looseObject({ id: z.string() }).optional(),
      application_credential: z
        .looseObject({
          id: z.string().optional(),
          name: z.string().optional(),
          secret: z.string().optional(),
          user: userRef.optional(),
        })
        .optional(),
    }),
    scope: z
      .union([
        z.literal('unscoped'),
        z.looseObject({
          project: z.looseObject({ id: z.string().optional(), name: z.string().optional(), domain: named.optional() }).optional(),
          domain: named.optional(),
          system: z.looseObject({ all: z.boolean().nullable().optional() }).optional(),
          'OS-TRUST:trust': z.looseObject({ id: z.string().optional() }).optional(),
          unscoped: z.unknown().optional(),
        }),
      ])
      .optional(),
  }),
});

export type AuthRequest = z.infer<typeof authRequestSchema>['auth'];
export type UserReference = z.infer<typeof userRef>;
export type NamedReference = z.infer<typeof named>;

/** The "id or name" rules py-keystone checks right after its schema, with its messages. */
export function checkIdOrName(auth: AuthRequest): void {
  const missing = (ref: { id?: string | undefined; name?: string | undefined } | undefined) =>
    ref !== undefined && ref.id === undefined && ref.name === undefined;
  const fail = (field: string): never => {
    throw new ValidationError(`Invalid input for field ${field}: id or name must be present.`);
  };
  const user = auth.identity.password?.user;
  if (missing(user)) fail('identity/password/user');
  if (missing(user?.domain)) fail('identity/password/user/domain');
  if (typeof auth.scope === 'object') {
    if (missing(auth.scope.project)) fail('scope/project');
    if (missing(auth.scope.project?.domain)) fail('scope/project/domain');
    if (missing(auth.scope.domain)) fail('scope/domain');
  }
}
