// A pino logger whose lines the test can read back as objects.
import { createLogger, type Logger } from '../../../src/logger.js';

export interface CapturedLog {
  readonly logger: Logger;
  readonly lines: Array<Record<string, unknown>>;
  /** Lines whose msg contains the text. */
  find(text: string): Array<Record<string, unknown>>;
}

export function captureLog(level = 'debug'): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level,
    destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk) as Record<string, unknown>) },
  });
  return { logger, lines, find: (text) => lines.filter((l) => String(l.msg).includes(text)) };
}
