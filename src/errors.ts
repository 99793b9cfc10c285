// Keystone's error taxonomy. Every failure a client can see is one of these, thrown anywhere and rendered once
// (server/error-handler.ts) as {"error": {"code", "title", "message"}}. Titles are the HTTP reason phrases,
// exactly as py-keystone takes them from http.client.responses.

export abstract class KeystoneError extends Error {
  abstract readonly code: number;
  abstract readonly title: string;
  /** Extra response headers (e.g. WWW-Authenticate is added centrally for 401s). */
  readonly headers: Record<string, string> = {};
  /** Extra members of the error object, e.g. the auth methods py-keystone lists with an unsupported method. */
  extra: Record<string, unknown> = {};
}

export class ValidationError extends KeystoneError {
  readonly code = 400;
  readonly title = 'Bad Request';
  /** py-keystone's default text when a required attribute is missing from a body. */
  static missing(attribute: string, target: string): ValidationError {
    return new ValidationError(
      `Expecting to find ${attribute} in ${target}. The server could not comply with the request ` +
        'since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
    );
  }
}

const UNAUTHORIZED_TEXT = 'The request you have made requires authentication.';

/**
 * Any 401. py-keystone hides the details of security errors from clients (unless `insecure_debug`), so the text a
 * client sees is fixed; `detail` says what really failed, for logs. `Unauthorized.shown` is for the few 401s whose
 * text py-keystone does show (locked account, expired password).
 */
export class Unauthorized extends KeystoneError {
  readonly code = 401;
  readonly title = 'Unauthorized';
  constructor(readonly detail?: string) {
    super(UNAUTHORIZED_TEXT);
  }
  static shown(message: string): Unauthorized {
    const err = new Unauthorized(message);
    err.message = message;
    return err;
  }
}

export class Forbidden extends KeystoneError {
  readonly code = 403;
  readonly title = 'Forbidden';
  constructor(message = 'You are not authorized to perform the requested action.') {
    super(message);
  }
  static action(rule: string): Forbidden {
    return new Forbidden(`You are not authorized to perform the requested action: ${rule}.`);
  }
}

export class NotFound extends KeystoneError {
  readonly code = 404;
  readonly title = 'Not Found';
  /** "Could not find user: <id>." - the shape of every py-keystone XNotFound. */
  static of(kind: string, id: string): NotFound {
    return new NotFound(`Could not find ${kind}: ${id}.`);
  }
}

/**
 * py-keystone's TokenNotFound: the token itself is unreadable, expired, revoked or no longer grants its scope.
 * As X-Auth-Token it is a 401; a missing user, project or domain behind a token stays a 404 there, as in py-keystone.
 */
export class TokenNotFound extends NotFound {}

export class MethodNotAllowed extends KeystoneError {
  readonly code = 405;
  readonly title = 'Method Not Allowed';
}

export class Conflict extends KeystoneError {
  readonly code = 409;
  readonly title = 'Conflict';
  static duplicate(type: string, details: string): Conflict {
    return new Conflict(`Conflict occurred attempting to store ${type} - ${details}.`);
  }
}

export class Gone extends KeystoneError {
  readonly code = 410;
  readonly title = 'Gone';
  constructor(message = 'The service you have requested is no longer available on this server.') {
    super(message);
  }
}

export class PayloadTooLarge extends KeystoneError {
  readonly code = 413;
  readonly title = 'Request Entity Too Large';
  constructor(message = 'Request is too large.') {
    super(message);
  }
}

export class UnexpectedError extends KeystoneError {
  readonly code = 500;
  readonly title = 'Internal Server Error';
  constructor(message = 'An unexpected error prevented the server from fulfilling your request.') {
    super(message);
  }
}

export class NotImplemented extends KeystoneError {
  readonly code = 501;
  readonly title = 'Not Implemented';
  constructor(message = 'The action you have requested has not been implemented.') {
    super(message);
  }
}

export class ServiceUnavailable extends KeystoneError {
  readonly code = 503;
  readonly title = 'Service Unavailable';
  constructor(message = 'The service is temporarily unavailable.') {
    super(message);
  }
}

/** Wire form of every error response. */
export function errorBody(err: KeystoneError): { error: { code: number; title: string; message: string } } {
  return { error: { ...err.extra, code: err.code, title: err.title, message: err.message } };
}
