import pino, { type Logger } from 'pino';
import { logFormatFor, prettyLogStream } from './log-format';

export type { Logger };

/**
 * One logger per service; children carry request, correlation and event ids. JSON lines, or
 * readable coloured lines at a terminal (LOG_FORMAT, see log-format.ts).
 */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  const options = {
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return logFormatFor() === 'pretty' ? pino(options, prettyLogStream()) : pino(options);
}
