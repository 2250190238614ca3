import { Counter, Histogram, Registry } from 'prom-client';
import { hasMetric, metricValue, parseMetrics } from './index';

describe('parseMetrics', () => {
  it('reads what prom-client writes: labels with escapes, histograms, +Inf', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'svc' });
    const counter = new Counter({ name: 'things_total', help: 'h', labelNames: ['kind'], registers: [registry] });
    const histogram = new Histogram({ name: 'took_seconds', help: 'h', labelNames: ['op'], buckets: [0.1, 1], registers: [registry] });
    counter.inc({ kind: 'a "quoted", \\ back\nslash' }, 2);
    counter.inc({ kind: 'b' });
    histogram.observe({ op: 'x' }, 0.5);
    const samples = parseMetrics(await registry.metrics());
    expect(metricValue(samples, 'things_total')).toBe(3);
    expect(metricValue(samples, 'things_total', { kind: 'a "quoted", \\ back\nslash' })).toBe(2);
    expect(metricValue(samples, 'took_seconds_count', { op: 'x', service: 'svc' })).toBe(1);
    expect(metricValue(samples, 'took_seconds_bucket', { le: '0.1' })).toBe(0);
    expect(metricValue(samples, 'took_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(hasMetric(samples, 'took_seconds_sum')).toBe(true);
    expect(hasMetric(samples, 'missing')).toBe(false);
  });

  it('reads special values in any case (prom-client writes NaN as "Nan")', () => {
    const samples = parseMetrics('a Nan\nb +Inf\nc -inf\nd 1e3');
    expect(samples.map((s) => s.value)).toEqual([NaN, Infinity, -Infinity, 1000]);
    expect(() => parseMetrics('e twelve')).toThrow('unreadable value');
  });

  it('refuses a line that is not a sample', () => {
    expect(() => parseMetrics('this is not { prometheus')).toThrow('not a Prometheus sample line');
  });
});
