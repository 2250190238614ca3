import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@shop/service-kit';

/**
 * An append-only file of JSON lines under the data folder: what the simulator did, read back in
 * full at start so a restart keeps it. Each line is written synchronously before the answer goes
 * out (a simulator's volumes are small; the order of lines is the order of events).
 */
export interface Journal<T> {
  /** every record, oldest first, as read at open */
  readonly records: readonly T[];
  append(record: T): void;
}

export function openJournal<T>(dataDir: string, name: string, parse: (value: unknown) => T, logger: Logger): Journal<T> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, `${name}.jsonl`);
  const records: T[] = [];
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    // the text after the last newline is a half-written record (the process died mid-append) or nothing
    const tail = lines.pop() ?? '';
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        records.push(parse(JSON.parse(line)));
      } catch (err) {
        throw new Error(`${file}: line ${i + 1} is not a valid record (${(err as Error).message}); the journal is damaged`);
      }
    });
    if (tail !== '') {
      logger.warn({ file, line: lines.length + 1 }, 'dropping a half-written last line');
      truncateSync(file, Buffer.byteLength(text) - Buffer.byteLength(tail));
    }
  }
  return {
    records,
    append(record) {
      appendFileSync(file, `${JSON.stringify(record)}\n`);
      records.push(record);
    },
  };
}
