// Version discovery, JSON-home and the health check, answered as py-keystone answers them:
// GET / is 300 Multiple Choices with a Location to /v3/, GET /v3 is the v3 version document.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JsonHome } from './json-home.js';

const V3 = { id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z' };
const MEDIA_TYPES = [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }];

export function registerDiscovery(app: FastifyInstance, jsonHome: JsonHome, base: (r: FastifyRequest) => string): void {
  const wantsJsonHome = (request: FastifyRequest) => (request.headers.accept ?? '').includes('application/json-home');
  const v3Version = (request: FastifyRequest) => ({
    ...V3,
    links: [{ rel: 'self', href: `${base(request)}/v3/` }],
    'media-types': MEDIA_TYPES,
  });
  const sendJsonHome = (reply: FastifyReply, prefix: string) =>
    reply.type('application/json-home').send(jsonHome.document(prefix));

  const root = async (request: FastifyRequest, reply: FastifyReply) => {
    if (wantsJsonHome(request)) return sendJsonHome(reply, '/v3');
    return reply
      .code(300)
      .header('Location', `${base(request)}/v3/`)
      .send({ versions: { values: [v3Version(request)] } });
  };
  const v3 = async (request: FastifyRequest, reply: FastifyReply) => {
    if (wantsJsonHome(request)) return sendJsonHome(reply, '');
    return reply.send({ version: v3Version(request) });
  };
  const hide = { schema: { hide: true } };
  app.get('/', hide, root);
  app.get('/v3', hide, v3);
  app.get('/healthcheck', hide, async (_request, reply) => reply.type('text/plain; charset=UTF-8').send(''));
}
