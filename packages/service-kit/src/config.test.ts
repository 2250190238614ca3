import { z } from 'zod';
import { baseConfigSchema, booleanSetting, ConfigError, DEV_JWT_SECRET, loadConfig, portSetting } from './config';

const schema = baseConfigSchema.extend({ PORT: portSetting(4001) });

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const cfg = loadConfig(schema, {});
    expect(cfg.PORT).toBe(4001);
    expect(cfg.JWT_SECRET).toBe(DEV_JWT_SECRET);
    expect(cfg.DATABASE_URL).toBeUndefined();
  });

  it('reports every bad value on its own line, named by its variable', () => {
    try {
      loadConfig(schema, { PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.find((p) => p.startsWith('PORT:'))).toContain('got "abc"');
      expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toContain('postgres://');
      expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toBeDefined();
    }
  });

  it("the handler budget: 8 attempts up to 60 s apart unless set; no attempt at all is refused", () => {
    expect(loadConfig(schema, {})).toMatchObject({ EVENTS_HANDLER_ATTEMPTS: 8, EVENTS_HANDLER_MAX_RETRY_DELAY_MS: 60_000 });
    expect(loadConfig(schema, { EVENTS_HANDLER_ATTEMPTS: '20', EVENTS_HANDLER_MAX_RETRY_DELAY_MS: '300000' })).toMatchObject({
      EVENTS_HANDLER_ATTEMPTS: 20,
      EVENTS_HANDLER_MAX_RETRY_DELAY_MS: 300_000,
    });
    expect(() => loadConfig(schema, { EVENTS_HANDLER_ATTEMPTS: '0' })).toThrow(/EVENTS_HANDLER_ATTEMPTS/);
  });

  it('production refuses the development JWT secret', () => {
    expect(() => loadConfig(schema, { NODE_ENV: 'production' })).toThrow(/JWT_SECRET: production refuses/);
  });

  it('never prints a secret back', () => {
    expect(() => loadConfig(schema, { JWT_SECRET: 'short-secret' })).toThrow(/given value hidden/);
    expect(() => loadConfig(schema, { JWT_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('accepts a production secret of its own', () => {
    const cfg = loadConfig(schema.extend({ X: z.string().default('x') }), {
      NODE_ENV: 'production',
      JWT_SECRET: 'p'.repeat(40),
    });
    expect(cfg.NODE_ENV).toBe('production');
  });
});

describe('booleanSetting', () => {
  const switches = z.object({ ON: booleanSetting(true), OFF: booleanSetting(false), UNSET: booleanSetting() });

  it('unset → its fallback, or undefined without one', () => {
    expect(loadConfig(switches, {})).toEqual({ ON: true, OFF: false, UNSET: undefined });
  });

  it.each(['on', 'true', '1', 'yes', 'y', 'enabled', 'ON', 'True'])('"%s" → true', (value) => {
    expect(loadConfig(switches, { OFF: value }).OFF).toBe(true);
  });

  it.each(['off', 'false', '0', 'no', 'n', 'disabled', 'OFF', 'False'])('"%s" → false', (value) => {
    expect(loadConfig(switches, { ON: value }).ON).toBe(false);
  });

  it('anything else → "must be on or off", named by its variable', () => {
    expect(() => loadConfig(switches, { UNSET: 'sometimes', ON: '' })).toThrow(/UNSET: must be on or off[^\n]*\(got "sometimes"\)/);
    expect(() => loadConfig(switches, { ON: '' })).toThrow(/ON: must be on or off/);
  });
});
