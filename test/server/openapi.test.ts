// The committed OpenAPI document is the one the routes generate: a route added or changed without
// `npm run openapi` fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { generateOpenApi } from '../../src/server/openapi.js';
import { REPO_ROOT } from '../helpers/services.js';

const generated = await generateOpenApi();
const committed = readFileSync(join(REPO_ROOT, 'openapi/openapi.json'), 'utf8');

t.test('openapi/openapi.json matches the routes (run `npm run openapi` after changing a route)', async (t) => {
  t.same(JSON.parse(committed), JSON.parse(generated));
});

t.test('the document describes the token API with its request body', async (t) => {
  const doc = JSON.parse(generated);
  const post = doc.paths['/v3/auth/tokens']?.post;
  t.ok(post, 'POST /v3/auth/tokens documented');
  t.ok(post.requestBody.content['application/json'].schema.properties.auth, 'body schema from zod');
  t.ok(doc.paths['/v3/auth/tokens'].get && doc.paths['/v3/auth/tokens'].head && doc.paths['/v3/auth/tokens'].delete);
});
