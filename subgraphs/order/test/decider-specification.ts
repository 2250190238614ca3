/**
 * given / when / then over the order's `decide`, as in emmett's DeciderSpecification: the events
 * already in the stream, the command, then the events appended (or the DomainError raised). The
 * domain's unit tests (src/domain/*.test.ts) share it.
 */
import { DomainError } from '@shop/service-kit/domain';
import { decide, type OrderCommand } from '../src/domain/decide';
import type { OrderErrorCode } from '../src/domain/errors';
import { fold, type OrderEvent } from '../src/domain/order';

export const given = (...events: OrderEvent[]) => ({
  when: (cmd: OrderCommand) => {
    const run = () => decide(cmd, fold(events));
    return {
      then: (...expected: OrderEvent[]) => expect(run()).toEqual(expected),
      thenFails: (code: `${OrderErrorCode}`, message?: RegExp) => {
        let error: unknown;
        try {
          run();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe(code);
        if (message) expect((error as DomainError).message).toMatch(message);
      },
      /** a late/duplicate reply: recorded, never silent */
      thenRecordsLateReply: (expected: Partial<Extract<OrderEvent, { type: 'LateReplyRecorded' }>['data']>) => {
        const appended = run();
        expect(appended).toHaveLength(1);
        expect(appended[0]).toMatchObject({ type: 'LateReplyRecorded', data: expected });
      },
    };
  },
});
