import { checkReadiness, degradable } from './health';

const ok = async () => undefined;
const down = async () => {
  throw new Error('connection refused');
};

describe('checkReadiness', () => {
  it('every check passing → ok', async () => {
    expect(await checkReadiness({ database: ok, broker: degradable(ok) })).toEqual({ status: 'ok', checks: { database: { status: 'ok' }, broker: { status: 'ok' } } });
  });

  it('a degradable check failing → degraded (still ready), with its reason', async () => {
    expect(await checkReadiness({ database: ok, broker: degradable(down) })).toEqual({
      status: 'degraded',
      checks: { database: { status: 'ok' }, broker: { status: 'degraded', error: 'connection refused' } },
    });
  });

  it('an essential check failing → unavailable, whatever the degradable ones say', async () => {
    const report = await checkReadiness({ database: down, broker: degradable(down) });
    expect(report.status).toBe('unavailable');
    expect(report.checks.database.status).toBe('unavailable');
    expect(report.checks.broker.status).toBe('degraded');
  });
});
