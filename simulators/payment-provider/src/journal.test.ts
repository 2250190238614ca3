import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openJournal } from './journal';

const logger = pino({ level: 'silent' });
const asRecord = (v: unknown) => v as { n: number };

describe('journal (append-only JSON lines)', () => {
  it('appended records are read back, in order, by the next open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const first = openJournal(dir, 'things', asRecord, logger);
    first.append({ n: 1 });
    first.append({ n: 2 });
    expect(openJournal(dir, 'things', asRecord, logger).records).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('a half-written last line (a crash mid-append) is skipped, and the next record starts on a line of its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    openJournal(dir, 'things', asRecord, logger).append({ n: 1 });
    appendFileSync(join(dir, 'things.jsonl'), '{"n":');
    const reopened = openJournal(dir, 'things', asRecord, logger);
    expect(reopened.records).toEqual([{ n: 1 }]);
    reopened.append({ n: 3 });
    expect(openJournal(dir, 'things', asRecord, logger).records).toEqual([{ n: 1 }, { n: 3 }]);
    expect(readFileSync(join(dir, 'things.jsonl'), 'utf8')).toBe('{"n":1}\n{"n":3}\n');
  });

  it('a damaged line before the last → refuses to open (never silently loses history)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    appendFileSync(join(dir, 'things.jsonl'), 'garbage\n{"n":2}\n');
    expect(() => openJournal(dir, 'things', asRecord, logger)).toThrow(/line 1/);
  });
});
