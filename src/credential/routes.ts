// /v3/credentials: list (filters user_id and type), create, show (and HEAD), update (blob only) and delete,
// answered as py-keystone Zed (Debian) answers them. Blobs are encrypted at rest with the [credential] keys.
import { bodyAfterPolicy } from '../server/json-body.js';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { wrapCollection } from '../server/v3/collection.js';
import { CredentialCipher } from './crypto.js';
import { createBody, credentialListQuery, credentialParams, updateBody } from './schemas.js';
import { CredentialService } from './service.js';

const tags = ['credentials'];

export function registerCredentialRoutes(app: App, ctx: RouteContext): void {
  ctx.jsonHome.add('rel/credentials', '/credentials');
  ctx.jsonHome.add('rel/credential', '/credentials/{credential_id}');

  const credentials = new CredentialService(ctx, new CredentialCipher(ctx.config.credential.key_repository, ctx.logger));

  app.get(
    '/v3/credentials',
    { schema: { tags, summary: 'List the credentials the caller may see', querystring: credentialListQuery } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const base = ctx.baseUrl(request);
      // Never cut by a list_limit: py-keystone's credential list ignores it.
      return wrapCollection(request, base, 'credentials', await credentials.list(caller, request.query, request.body, base));
    },
  );

  app.post(
    '/v3/credentials',
    // py-keystone enforces policy before it validates the body: fastify only checks the body is a JSON object.
    { schema: { tags, summary: 'Create a credential (an ec2 one is named by the sha256 of its access key)', body: createBody }, validatorCompiler: bodyAfterPolicy },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      return reply.code(201).send({ credential: await credentials.create(caller, request.body as unknown, ctx.baseUrl(request)) });
    },
  );

  app.get(
    '/v3/credentials/:credential_id',
    { schema: { tags, summary: 'Show a credential with its decrypted blob', params: credentialParams } },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      return { credential: await credentials.get(caller, request.params.credential_id, request.body, ctx.baseUrl(request)) };
    },
  );

  app.patch(
    '/v3/credentials/:credential_id',
    { schema: { tags, summary: "Replace a credential's blob (the only member an update may carry)", params: credentialParams, body: updateBody }, validatorCompiler: bodyAfterPolicy },
    async (request) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      return { credential: await credentials.update(caller, request.params.credential_id, request.body as unknown, ctx.baseUrl(request)) };
    },
  );

  app.delete(
    '/v3/credentials/:credential_id',
    { schema: { tags, summary: 'Delete a credential', params: credentialParams } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      await credentials.delete(caller, request.params.credential_id, request.body);
      return reply.code(204).send();
    },
  );
}
