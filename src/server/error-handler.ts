// The single place where failures become HTTP responses. Keystone errors keep their status and text; fastify's
// own errors (bad JSON, schema validation, body too large) are translated to the Keystone error they mean; anything
// else is logged and answered with a generic 500 that reveals nothing.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  errorBody,
  KeystoneError,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  UnexpectedError,
  ValidationError,
} from '../errors.js';

const MALFORMED_TAIL =
  ' The server could not comply with the request since it is either malformed or otherwise incorrect.' +
  ' The client is assumed to be in error.';

export function installErrorHandling(app: FastifyInstance, publicEndpoint: (req: FastifyRequest) => string): void {
  app.setErrorHandler((raw: FastifyError | Error, request, reply) => {
    const err = toKeystoneError(raw);
    if (err instanceof UnexpectedError) request.log.error({ err: raw }, 'unexpected error');
    sendError(reply, err, publicEndpoint(request));
  });

  app.setNotFoundHandler((request, reply) => {
    sendError(reply, new NotFound('The resource could not be found.'), publicEndpoint(request));
  });
}

export function sendError(reply: FastifyReply, err: KeystoneError, publicEndpoint: string): FastifyReply {
  if (err.code === 401) reply.header('WWW-Authenticate', `Keystone uri="${publicEndpoint}"`);
  for (const [name, value] of Object.entries(err.headers)) reply.header(name, value);
  return reply.code(err.code).type('application/json').send(errorBody(err));
}

function toKeystoneError(err: FastifyError | Error): KeystoneError {
  if (err instanceof KeystoneError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const details = err.validation.map((v) => `${v.instancePath || '/'}: ${v.message}`).join('; ');
    return new ValidationError(`Invalid input for field(s): ${details}.${MALFORMED_TAIL}`);
  }
  const code = (err as FastifyError).code;
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ValidationError(`Expecting to find valid JSON in request body.${MALFORMED_TAIL}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ValidationError(`Expecting to find application/json in Content-Type header.${MALFORMED_TAIL}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLarge('Request is too large.');
    case 'FST_ERR_VALIDATION':
      return new ValidationError(`${err.message}.${MALFORMED_TAIL}`);
  }
  if (err instanceof SyntaxError && (err as FastifyError).statusCode === 400) {
    return new ValidationError(`Expecting to find valid JSON in request body.${MALFORMED_TAIL}`);
  }
  const status = (err as FastifyError).statusCode;
  if (status === 405) return new MethodNotAllowed('The method is not allowed for the requested URL.');
  if (status !== undefined && status >= 400 && status < 500) return new ValidationError(err.message);
  return new UnexpectedError();
}
