import type { Logger } from 'pino';
import type { Connection, SyncMessage } from 'rabbitmq-client';
import { peekEnvelope, type DeadLetter, type DeadLetterQueue } from '../bus';
import { bodyText, copyProperties, HEADER, rawBody } from './messages';
import { deadLetterQueueName } from './topology';

/**
 * The dead letters of the broker queue `queue` (logical name `logicalQueue`), read and replayed
 * over `connection` on private channels: list, replay (all or one), count.
 */
export function createDeadLetterQueue(connection: Connection, queue: string, logicalQueue: string, logger: Logger): DeadLetterQueue {
  const dlq = deadLetterQueueName(queue);
  return {
    list: () => listDeadLetters(connection, dlq, logicalQueue),
    replay: (id) => replayDeadLetters(connection, dlq, queue, id, logger),
    count: () => messageCount(connection, dlq),
  };
}

function toDeadLetter(msg: SyncMessage, logicalQueue: string): DeadLetter {
  const headers = msg.headers ?? {};
  const body = bodyText(msg.body);
  const peeked = peekEnvelope(body);
  return {
    id: String(headers[HEADER.deadLetterId] ?? msg.messageId ?? peeked.id ?? ''),
    queue: logicalQueue,
    routingKey: String(headers[HEADER.routingKey] ?? msg.routingKey),
    type: msg.type ?? peeked.type,
    body,
    error: String(headers[HEADER.error] ?? ''),
    attempts: Number(headers[HEADER.attempts] ?? 0),
    deadLetteredAt: String(headers[HEADER.deadLetteredAt] ?? ''),
  };
}

/**
 * Reads the whole dead-letter queue without removing anything: messages are fetched
 * unacknowledged on a private channel, and closing it puts them all back in their places.
 */
async function listDeadLetters(connection: Connection, dlq: string, logicalQueue: string): Promise<DeadLetter[]> {
  const count = await messageCount(connection, dlq);
  if (count === 0) return [];
  const channel = await connection.acquire();
  try {
    const letters: DeadLetter[] = [];
    for (let i = 0; i < count; i++) {
      const msg = await channel.basicGet({ queue: dlq });
      if (!msg) break;
      letters.push(toDeadLetter(msg, logicalQueue));
    }
    return letters;
  } finally {
    await channel.close();
    await untilReadyAgain(connection, dlq, count);
  }
}

/**
 * Closing the channel puts the letters it fetched back — on a quorum queue through its log, a
 * moment after the close. Waits (briefly, bounded) until `expected` are ready again, so that a
 * list or replay right after this one sees them all.
 */
async function untilReadyAgain(connection: Connection, queue: string, expected: number): Promise<void> {
  const deadline = Date.now() + 2_000;
  while ((await messageCount(connection, queue)) < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Moves dead letters (all, or the one with `id`) back to their queue with a fresh attempt count:
 * each copy is confirmed before its dead letter is acknowledged; the others go back untouched.
 */
async function replayDeadLetters(connection: Connection, dlq: string, queue: string, id: string | undefined, logger: Logger): Promise<number> {
  // only the letters present now: a replayed message that fails again lands behind them
  const count = await messageCount(connection, dlq);
  if (count === 0) return 0;
  const channel = await connection.acquire();
  let replayed = 0;
  try {
    await channel.confirmSelect();
    for (let i = 0; i < count; i++) {
      const msg = await channel.basicGet({ queue: dlq });
      if (!msg) break;
      const letter = toDeadLetter(msg, queue);
      if (id !== undefined && letter.id !== id) continue;
      const { [HEADER.error]: _error, [HEADER.deadLetteredAt]: _at, [HEADER.deadLetterId]: _id, ...headers } = msg.headers ?? {};
      await channel.basicPublish(
        { ...copyProperties(msg), exchange: '', routingKey: queue, headers: { ...headers, [HEADER.attempts]: 0, [HEADER.outageRetries]: 0, [HEADER.replayedAt]: new Date().toISOString() } },
        rawBody(msg.body),
      );
      channel.basicAck({ deliveryTag: msg.deliveryTag });
      replayed += 1;
    }
  } finally {
    await channel.close();
    await untilReadyAgain(connection, dlq, count - replayed);
  }
  if (replayed > 0) logger.info({ queue, count: replayed, eventId: id }, 'dead letters replayed');
  return replayed;
}

/** Ready messages in `queue`; 0 when it does not exist. */
async function messageCount(connection: Connection, queue: string): Promise<number> {
  const channel = await connection.acquire();
  try {
    return (await channel.queueDeclare({ queue, passive: true })).messageCount;
  } catch {
    return 0; // NOT_FOUND closes the channel: nothing was ever dead-lettered there
  } finally {
    if (channel.active) await channel.close().catch(() => undefined);
  }
}
