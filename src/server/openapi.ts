// The OpenAPI document, generated from the route schemas (zod -> JSON Schema via @fastify/swagger). The committed
// copy in openapi/ is checked against this by test/server/openapi.test.ts; `npm run openapi` rewrites it.
import { writeFileSync } from 'node:fs';
import { validateConfig } from '../config/load.js';
import type { Executor } from '../db/connection.js';
import { createLogger } from '../logger.js';
import { EventEmitter } from '../notifications/events.js';
import type { TokenProvider } from '../token/provider.js';
import { allRouteModules } from '../routes.js';
import { buildApp, type AppServices } from './app.js';

/** Services for building the app only to read its routes: any request-time use is a programming error. */
function documentationOnlyServices(): AppServices {
  const unusable = <T extends object>(name: string) =>
    new Proxy({} as T, {
      get: () => {
        throw new Error(`${name} is not available while generating the OpenAPI document`);
      },
    });
  const logger = createLogger({ level: 'silent' });
  return {
    db: unusable<Executor>('db'),
    tokens: unusable<TokenProvider>('tokens'),
    transaction: () => Promise.reject(new Error('no database while generating the OpenAPI document')),
    events: new EventEmitter(logger),
    logger,
    authorize: () => Promise.reject(new Error('no policy while generating the OpenAPI document')),
  };
}

export async function generateOpenApi(): Promise<string> {
  const config = validateConfig({});
  const app = await buildApp({
    config,
    logger: createLogger({ level: 'silent' }),
    routes: allRouteModules,
    services: documentationOnlyServices(),
  });
  await app.ready();
  const document = app.swagger();
  await app.close();
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = process.argv[2] ?? 'openapi/openapi.json';
  writeFileSync(target, await generateOpenApi());
  process.stdout.write(`wrote ${target}\n`);
}
