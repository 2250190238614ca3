import { clientLabels } from './client-metrics';

const known = { knows: (app: string, version?: string) => app === 'shop-ios' && (version === undefined || ['1.0.0', '1.1.0'].includes(version)) };

describe('client labels (bounded: only versions with a loaded manifest)', () => {
  it('a known app and version are labels', () => {
    expect(clientLabels(known, 'shop-ios', '1.1.0')).toEqual({ client_name: 'shop-ios', client_version: '1.1.0' });
  });
  it('an unknown version of a known app, or an unknown app, is "other"; a missing header "none"', () => {
    expect(clientLabels(known, 'shop-ios', '9.9.9')).toEqual({ client_name: 'shop-ios', client_version: 'other' });
    expect(clientLabels(known, 'curl', '8.0')).toEqual({ client_name: 'other', client_version: 'other' });
    expect(clientLabels(known, 'shop-ios', undefined)).toEqual({ client_name: 'shop-ios', client_version: 'none' });
    expect(clientLabels(known, undefined, undefined)).toEqual({ client_name: 'none', client_version: 'none' });
  });
  it('a thousand made-up versions give one label value', () => {
    const values = new Set(Array.from({ length: 1000 }, (_, i) => clientLabels(known, 'shop-ios', `0.0.${i}`).client_version));
    expect([...values]).toEqual(['other']);
  });
});
