import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs, one logger per service; children carry request, correlation and event ids. */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
