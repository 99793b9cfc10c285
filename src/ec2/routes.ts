// The EC2/S3 family of py-keystone Zed: /v3/users/{user_id}/credentials/OS-EC2 (list, create, show, delete by
// access key) and the signature-to-token exchanges /v3/ec2tokens and /v3/s3tokens, which only a service user or
// an admin may call (Debian's policy: rule:service_or_admin). JSON-home lists them under py-keystone's OS-EC2
// and s3tokens relations.
import { z } from 'zod';
import { registerInScope } from '../assignment/http-scope.js';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { wrapCollection } from '../server/v3/collection.js';
import { policyDict } from '../server/v3/policy-dict.js';
import { CredentialCipher } from '../credential/crypto.js';
import { Ec2CredentialService } from './service.js';
import { exchangeForToken, type SignatureKind } from './token-exchange.js';

const tags = ['ec2 credentials'];
const userParams = z.object({ user_id: z.string() });
const credentialParams = z.object({ user_id: z.string(), credential_id: z.string() });
const createBody = z.looseObject({ tenant_id: z.string().describe('The project the credential is for') });
const exchangeBody = z.looseObject({
  credentials: z.looseObject({ access: z.string(), signature: z.string().optional() }).optional(),
});

const METHOD_NOT_ALLOWED = { message: 'The method is not allowed for the requested URL.' };

export function registerEc2Routes(app: App, ctx: RouteContext): void {
  ctx.jsonHome.add('ext/OS-EC2/1.0/rel/user_credentials', '/users/{user_id}/credentials/OS-EC2');
  ctx.jsonHome.add('ext/OS-EC2/1.0/rel/user_credential', '/users/{user_id}/credentials/OS-EC2/{credential_id}');
  ctx.jsonHome.add('ext/OS-EC2/1.0/rel/ec2tokens', '/ec2tokens');
  ctx.jsonHome.add('ext/s3tokens/1.0/rel/s3tokens', '/s3tokens');

  const cipher = new CredentialCipher(ctx.config.credential.key_repository, ctx.logger);
  const credentials = new Ec2CredentialService({ ...ctx, cipher });
  const collection = '/v3/users/:user_id/credentials/OS-EC2';
  // Bodies read as py-keystone reads them (an empty body is none; JSON that is no object is a 400), flask's 405s.
  registerInScope(app, (scoped) => routes(scoped, ctx, credentials, cipher, collection));
}

function routes(app: App, ctx: RouteContext, credentials: Ec2CredentialService, cipher: CredentialCipher, collection: string): void {
  app.get(collection, { schema: { tags, summary: "List a user's EC2 credentials", params: userParams } }, async (request) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    const base = ctx.baseUrl(request);
    return wrapCollection(request, base, 'credentials', await credentials.list(caller, request.params.user_id, request.body, base));
  });

  app.post(
    collection,
    { schema: { tags, summary: 'Create an EC2 credential (access and secret) for a project', params: userParams, body: createBody } },
    async (request, reply) => {
      const caller = await authenticateRequest(request, ctx.tokens);
      const ref = await credentials.create(caller, request.params.user_id, request.body as unknown, ctx.baseUrl(request));
      return reply.code(201).send({ credential: ref });
    },
  );

  app.get(`${collection}/:credential_id`, { schema: { tags, summary: 'Show an EC2 credential by its access key', params: credentialParams } }, async (request) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    const { user_id: userId, credential_id: access } = request.params;
    return { credential: await credentials.get(caller, userId, access, request.body, ctx.baseUrl(request)) };
  });

  app.delete(`${collection}/:credential_id`, { schema: { tags, summary: 'Delete an EC2 credential', params: credentialParams } }, async (request, reply) => {
    const caller = await authenticateRequest(request, ctx.tokens);
    const { user_id: userId, credential_id: access } = request.params;
    await credentials.delete(caller, userId, access, request.body);
    return reply.code(204).send();
  });

  const exchange = (kind: SignatureKind) => {
    const url = kind === 'ec2' ? '/v3/ec2tokens' : '/v3/s3tokens';
    const rule = kind === 'ec2' ? 'identity:ec2tokens_validate' : 'identity:s3tokens_validate';
    app.post(
      url,
      {
        schema: { tags, summary: `Exchange a signed ${kind === 'ec2' ? 'EC2' : 'S3'} request for a project-scoped token`, body: exchangeBody },
      },
      async (request, reply) => {
        const caller = await authenticateRequest(request, ctx.tokens);
        await ctx.authorize(caller, rule, policyDict({ body: request.body }));
        const { tokenId, token } = await exchangeForToken(kind, request.body, { ...ctx, cipher });
        // Only /v3/ec2tokens names the new token in X-Subject-Token.
        if (kind === 'ec2') reply.header('X-Subject-Token', tokenId);
        return reply.code(200).send({ token: token.body });
      },
    );
    // py-keystone answers GET (and so HEAD) with werkzeug's 405, before authentication.
    app.get(url, { schema: { hide: true } }, async (_request, reply) => reply.code(405).header('Allow', 'POST').send(METHOD_NOT_ALLOWED));
  };
  exchange('ec2');
  exchange('s3');
}
