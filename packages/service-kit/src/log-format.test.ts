import { PassThrough } from 'node:stream';
import { logFormatFor, prettyLogLine, prettyLogStream } from './log-format';

describe('log format', () => {
  it('a terminal gets pretty lines, anything else JSON; LOG_FORMAT decides when set; production stays JSON', () => {
    expect(logFormatFor({}, true)).toBe('pretty');
    expect(logFormatFor({}, false)).toBe('json');
    expect(logFormatFor({ NODE_ENV: 'production' }, true)).toBe('json');
    expect(logFormatFor({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormatFor({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
  });

  it('a pino line reads as time, level, service, message and the other fields', () => {
    const line = JSON.stringify({ level: 'warn', time: '2026-12-03T12:03:04.120Z', service: 'catalog', msg: 'stock low', productId: 'p1', note: 'two words' });
    expect(prettyLogLine(line, false)).toBe('12:03:04.120 WARN  catalog    stock low productId=p1 note="two words"');
    expect(prettyLogLine(line, true)).toContain('\u001b[33mWARN \u001b[0m');
  });

  it('an error field shows its type, message and stack', () => {
    const line = JSON.stringify({ level: 'error', time: '2026-12-03T12:03:04.120Z', service: 'order', msg: 'handler failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x (y.ts:1:1)' } });
    expect(prettyLogLine(line, false)).toBe('12:03:04.120 ERROR order      handler failed err=Error: boom\n    at x (y.ts:1:1)');
  });

  it('a line that is not JSON passes as it is; lines split across chunks are joined', () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (c) => (written += c));
    const stream = prettyLogStream(out, false);
    stream.write('{"level":"info","time":"2026-12-03T00:00:01.000Z","service":"cart","msg":"sta');
    stream.write('rted"}\nplain text\n');
    expect(written).toBe('00:00:01.000 INFO  cart       started\nplain text\n');
  });
});
