// /v3/regions, /v3/services and /v3/endpoints: status codes, envelopes and links as py-keystone Zed answers them.
// HEAD is served wherever GET is (fastify derives it). Bodies are checked only for being JSON objects here;
// the services validate them after policy, as py-keystone does (body.ts).
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App, RouteContext } from '../server/app.js';
import { authenticateRequest } from '../server/authenticate.js';
import { listLimit, wrapCollection } from '../server/v3/collection.js';
import { bodyAfterPolicy } from '../server/json-body.js';
import {
  endpointCreateBody,
  endpointUpdateBody,
  regionCreateBody,
  regionUpdateBody,
  serviceCreateBody,
  serviceUpdateBody,
} from './body-schemas.js';
import type { Ref } from './models.js';
import { withSelfLink, type CollectionPath } from './render.js';
import * as catalog from './service.js';

/** A list filter; repeating it (`?interface=a&interface=b`) is allowed, as py-keystone reads every value. */
const filterParam = z.union([z.string(), z.array(z.string())]).optional();

const regionQuery = z.looseObject({ parent_region_id: filterParam });
const serviceQuery = z.looseObject({ type: filterParam, name: filterParam });
const endpointQuery = z.looseObject({ interface: filterParam, service_id: filterParam, region_id: filterParam });

const regionParams = z.object({ region_id: z.string() });
const serviceParams = z.object({ service_id: z.string() });
const endpointParams = z.object({ endpoint_id: z.string() });

export function registerCatalogRoutes(app: App, ctx: RouteContext): void {
  ctx.jsonHome.add('rel/regions', '/regions');
  ctx.jsonHome.add('rel/region', '/regions/{region_id}');
  ctx.jsonHome.add('rel/services', '/services');
  ctx.jsonHome.add('rel/service', '/services/{service_id}');
  ctx.jsonHome.add('rel/endpoints', '/endpoints');
  ctx.jsonHome.add('rel/endpoint', '/endpoints/{endpoint_id}');

  const caller = (request: FastifyRequest) => authenticateRequest(request, ctx.tokens);
  const member = (request: FastifyRequest, collection: CollectionPath, key: string, ref: Ref) => ({
    [key]: withSelfLink(ref, ctx.baseUrl(request), collection),
  });
  const collection = (request: FastifyRequest, path: CollectionPath, refs: Ref[]) => {
    const base = ctx.baseUrl(request);
    const linked = refs.map((ref) => withSelfLink(ref, base, path));
    return wrapCollection(request, base, path, linked, listLimit(ctx.config, 'catalog'));
  };
  const validatorCompiler = bodyAfterPolicy;

  // ---- regions
  const regions = ['regions'];
  app.get('/v3/regions', { schema: { tags: regions, summary: 'List regions', querystring: regionQuery } }, async (request) =>
    collection(request, 'regions', await catalog.listRegionRefs(ctx, await caller(request), request.query)),
  );
  app.post(
    '/v3/regions',
    { validatorCompiler, schema: { tags: regions, summary: 'Create a region', body: regionCreateBody } },
    async (request, reply) => {
      const ref = await catalog.createRegion(ctx, await caller(request), request.body as unknown);
      return reply.code(201).send(member(request, 'regions', 'region', ref));
    },
  );
  app.get(
    '/v3/regions/:region_id',
    { schema: { tags: regions, summary: 'Show a region', params: regionParams } },
    async (request) => member(request, 'regions', 'region', await catalog.getRegionRef(ctx, await caller(request), request.params.region_id)),
  );
  app.put(
    '/v3/regions/:region_id',
    {
      validatorCompiler,
      schema: { tags: regions, summary: 'Create a region with a chosen id', params: regionParams, body: regionCreateBody },
    },
    async (request, reply) => {
      const ref = await catalog.createRegion(ctx, await caller(request), request.body as unknown, request.params.region_id);
      return reply.code(201).send(member(request, 'regions', 'region', ref));
    },
  );
  app.patch(
    '/v3/regions/:region_id',
    { validatorCompiler, schema: { tags: regions, summary: 'Update a region', params: regionParams, body: regionUpdateBody } },
    async (request) => {
      const ref = await catalog.updateRegion(ctx, await caller(request), request.params.region_id, request.body as unknown);
      return member(request, 'regions', 'region', ref);
    },
  );
  app.delete(
    '/v3/regions/:region_id',
    { schema: { tags: regions, summary: 'Delete a region and the regions below it', params: regionParams } },
    async (request, reply) => {
      await catalog.deleteRegion(ctx, await caller(request), request.params.region_id);
      return reply.code(204).send();
    },
  );

  // ---- services
  const services = ['services'];
  app.get('/v3/services', { schema: { tags: services, summary: 'List services', querystring: serviceQuery } }, async (request) =>
    collection(request, 'services', await catalog.listServiceRefs(ctx, await caller(request), request.query)),
  );
  app.post(
    '/v3/services',
    { validatorCompiler, schema: { tags: services, summary: 'Create a service', body: serviceCreateBody } },
    async (request, reply) => {
      const ref = await catalog.createService(ctx, await caller(request), request.body as unknown);
      return reply.code(201).send(member(request, 'services', 'service', ref));
    },
  );
  app.get(
    '/v3/services/:service_id',
    { schema: { tags: services, summary: 'Show a service', params: serviceParams } },
    async (request) =>
      member(request, 'services', 'service', await catalog.getServiceRef(ctx, await caller(request), request.params.service_id)),
  );
  app.patch(
    '/v3/services/:service_id',
    { validatorCompiler, schema: { tags: services, summary: 'Update a service', params: serviceParams, body: serviceUpdateBody } },
    async (request) => {
      const ref = await catalog.updateService(ctx, await caller(request), request.params.service_id, request.body as unknown);
      return member(request, 'services', 'service', ref);
    },
  );
  app.delete(
    '/v3/services/:service_id',
    { schema: { tags: services, summary: 'Delete a service and its endpoints', params: serviceParams } },
    async (request, reply) => {
      await catalog.deleteService(ctx, await caller(request), request.params.service_id);
      return reply.code(204).send();
    },
  );

  // ---- endpoints
  const endpoints = ['endpoints'];
  app.get('/v3/endpoints', { schema: { tags: endpoints, summary: 'List endpoints', querystring: endpointQuery } }, async (request) =>
    collection(request, 'endpoints', await catalog.listEndpointRefs(ctx, await caller(request), request.query)),
  );
  app.post(
    '/v3/endpoints',
    { validatorCompiler, schema: { tags: endpoints, summary: 'Create an endpoint', body: endpointCreateBody } },
    async (request, reply) => {
      const ref = await catalog.createEndpoint(ctx, await caller(request), request.body as unknown);
      return reply.code(201).send(member(request, 'endpoints', 'endpoint', ref));
    },
  );
  app.get(
    '/v3/endpoints/:endpoint_id',
    { schema: { tags: endpoints, summary: 'Show an endpoint', params: endpointParams } },
    async (request) =>
      member(request, 'endpoints', 'endpoint', await catalog.getEndpointRef(ctx, await caller(request), request.params.endpoint_id)),
  );
  app.patch(
    '/v3/endpoints/:endpoint_id',
    {
      validatorCompiler,
      schema: { tags: endpoints, summary: 'Update an endpoint', params: endpointParams, body: endpointUpdateBody },
    },
    async (request) => {
      const ref = await catalog.updateEndpoint(ctx, await caller(request), request.params.endpoint_id, request.body as unknown);
      return member(request, 'endpoints', 'endpoint', ref);
    },
  );
  app.delete(
    '/v3/endpoints/:endpoint_id',
    { schema: { tags: endpoints, summary: 'Delete an endpoint', params: endpointParams } },
    async (request, reply) => {
      await catalog.deleteEndpoint(ctx, await caller(request), request.params.endpoint_id);
      return reply.code(204).send();
    },
  );
}
