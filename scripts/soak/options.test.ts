import { DEFAULT_FAULTS, parseDuration, parseFaults, parseSoakOptions } from './options';

describe('soak options', () => {
  it('defaults: 300 checkouts, customers = checkouts / 4, the default fault timeline', () => {
    const options = parseSoakOptions([]);
    expect(options).toMatchObject({ checkouts: 300, customers: 75, concurrency: 24, products: 12, eagerCustomers: false, keepLogs: false });
    expect(options.faults).toEqual(parseFaults(DEFAULT_FAULTS));
    expect(options.faults.map((f) => f.kind)).toEqual(['broker-kill', 'provider-5xx', 'db-stop', 'provider-hang', 'proxy-cut', 'webhook-chaos', 'db-stop', 'provider-down', 'broker-kill']);
    expect(options).toMatchObject({ payShare: 0.85, shipShare: 0.5, refundShare: 0.4, cancelShare: 0.15 });
  });

  it('--checkouts 1000 → 250 customers; explicit values win', () => {
    expect(parseSoakOptions(['--checkouts', '1000'])).toMatchObject({ checkouts: 1000, customers: 250 });
    expect(parseSoakOptions(['--checkouts', '1000', '--customers', '10', '--concurrency', '5'])).toMatchObject({ customers: 10, concurrency: 5 });
  });

  it('durations: ms, s, m', () => {
    expect([parseDuration('500ms'), parseDuration('10s'), parseDuration('1.5m')]).toEqual([500, 10_000, 90_000]);
    expect(() => parseDuration('10')).toThrow('not a duration');
  });

  it('a timeline is sorted; overlapping faults, unknown kinds and bad parts are refused with a reason', () => {
    expect(parseFaults('40s:db-stop:30s,5s:broker-kill:10s').map((f) => f.atMs)).toEqual([5_000, 40_000]);
    expect(parseFaults('none')).toEqual([]);
    expect(() => parseFaults('5s:db-stop:30s,20s:broker-kill:5s')).toThrow('starts before');
    expect(() => parseFaults('5s:power-cut:1s')).toThrow('unknown fault kind "power-cut"');
    expect(() => parseFaults('5s:db-stop')).toThrow('is not <at>:<kind>:<for>');
    expect(parseFaults('5s:provider-down:30s,40s:webhook-chaos:10s').map((f) => f.kind)).toEqual(['provider-down', 'webhook-chaos']);
  });

  it('bad numbers and unknown options are refused', () => {
    expect(() => parseSoakOptions(['--checkouts', '0'])).toThrow('--checkouts must be a positive whole number');
    expect(() => parseSoakOptions(['--twice', '2'])).toThrow('--twice must be between 0 and 1');
    expect(() => parseSoakOptions(['--products', '2'])).toThrow('at least 4');
    expect(() => parseSoakOptions(['--ship', '0.9', '--cancel', '0.2'])).toThrow('at most 1');
    expect(() => parseSoakOptions(['--nope'])).toThrow();
  });
});
