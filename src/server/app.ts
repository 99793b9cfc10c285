// Builds the fastify application from explicitly passed dependencies (no global registry): request ids,
// JSON body parsing, Keystone error mapping, OpenAPI generation, discovery, and each area's routes.
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AuthContext } from '../auth/context.js';
import type { KeystoneConfig } from '../config/schema.js';
import type { Executor } from '../db/connection.js';
import type { EventEmitter } from '../notifications/events.js';
import type { TokenProvider } from '../token/provider.js';
import type { Logger } from '../logger.js';
import { baseUrl } from './base-url.js';
import { registerDiscovery } from './discovery.js';
import { installErrorHandling } from './error-handler.js';
import { JsonHome } from './json-home.js';
import { newRequestId, REQUEST_ID_HEADER } from './request-id.js';
import { readJsonBodiesAsKeystone } from './json-body.js';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** The services route modules call; built once at start-up (runtime.ts) and passed in explicitly. */
export interface AppServices {
  readonly db: Executor;
  /** Opens a transaction for a change that writes more than one row. */
  readonly transaction: <T>(work: (tx: Executor) => Promise<T>) => Promise<T>;
  readonly events: EventEmitter;
  readonly logger: Logger;
  readonly tokens: TokenProvider;
  /**
   * Policy enforcement for a caller: resolves, or throws Keystone's 403 naming the rule. `policyDict` is what
   * py-keystone builds for oslo.policy: URL arguments at the top, the target under `target`, the request body
   * under `request_body`, query filters under `filter_attr`.
   */
  readonly authorize: (caller: AuthContext, rule: string, policyDict: Record<string, unknown>) => Promise<void>;
}

/** What every route module receives. */
export interface RouteContext extends AppServices {
  readonly config: KeystoneConfig;
  readonly jsonHome: JsonHome;
  /** Scheme and host clients use to reach us (no trailing slash, no /v3). */
  readonly baseUrl: (request: FastifyRequest) => string;
}

export type RouteModule = (app: App, ctx: RouteContext) => void | Promise<void>;

export async function buildApp(options: {
  config: KeystoneConfig;
  logger: Logger;
  routes: readonly RouteModule[];
  services?: AppServices;
}): Promise<App> {
  const { config, logger } = options;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: newRequestId,
    bodyLimit: config.DEFAULT.max_request_body_size,
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: !config.DEFAULT.debug }),
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 512 },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Keystone reads only JSON bodies; any other media type is answered as py-keystone answers it (400).
  app.removeContentTypeParser('text/plain');
  readJsonBodiesAsKeystone(app);
  // Responses are plain JSON; response schemas exist to document the API, not to slow every reply down.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    reply.header('Vary', 'X-Auth-Token');
  });

  const base = (request: FastifyRequest) => baseUrl(request, config.DEFAULT.public_endpoint);
  installErrorHandling(app, (request) => `${base(request)}/v3`);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'keystone-ts identity API', version: '3.14' },
      components: {
        securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } },
      },
    },
    transform: jsonSchemaTransform,
    exposeHeadRoutes: true,
  });

  const jsonHome = new JsonHome();
  if (!options.services && options.routes.length > 0) throw new Error('route modules need services');
  // Without services (discovery only) the context carries none; no route module reads them then.
  const ctx = { ...options.services, config, jsonHome, baseUrl: base } as RouteContext;
  registerDiscovery(app, jsonHome, base);
  for (const register of options.routes) await register(app, ctx);
  return app;
}

