import { Writable } from 'node:stream';

/**
 * How log lines are written: JSON (production, pipes, log shippers) or readable coloured lines
 * for a person at a terminal. LOG_FORMAT=json|pretty decides; unset, a terminal gets pretty.
 */
export type LogFormat = 'json' | 'pretty';

export function logFormatFor(env: Record<string, string | undefined> = process.env, isTerminal = Boolean(process.stdout.isTTY)): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return isTerminal && env.NODE_ENV !== 'production' ? 'pretty' : 'json';
}

const COLOURS: Record<string, string> = { trace: '90', debug: '36', info: '32', warn: '33', error: '31', fatal: '35' };
// fields every line has, shown in the line's head or left out
const HEAD_FIELDS = new Set(['level', 'time', 'service', 'name', 'msg', 'pid', 'hostname']);

const paint = (code: string, text: string, colour: boolean) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && 'message' in value && 'type' in value) {
    const err = value as { type: string; message: string; stack?: string };
    return `${err.type}: ${err.message}${err.stack ? `\n${err.stack.split('\n').slice(1).join('\n')}` : ''}`;
  }
  return JSON.stringify(value);
}

/** One pino JSON line as a person reads it: `12:03:04.120 INFO  catalog  started  port=4001`. */
export function prettyLogLine(line: string, colour = true): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line; // not ours: pass it on as it is
  }
  const level = String(entry.level ?? 'info');
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const service = String(entry.service ?? entry.name ?? '');
  const fields = Object.entries(entry)
    .filter(([key]) => !HEAD_FIELDS.has(key))
    .map(([key, value]) => `${paint('90', `${key}=`, colour)}${fieldText(value)}`);
  return [paint('90', time, colour), paint(COLOURS[level] ?? '0', level.toUpperCase().padEnd(5), colour), paint('1', service.padEnd(10), colour), String(entry.msg ?? ''), ...fields].join(' ');
}

/** A stream for pino that writes every line it gets pretty to `out`. */
export function prettyLogStream(out: NodeJS.WritableStream = process.stdout, colour = true): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) out.write(`${prettyLogLine(line, colour)}\n`);
      done();
    },
  });
}
