/**
 * Mints a development bearer token signed with JWT_SECRET (or the development default):
 *
 *   npm run token -- --sub alice --roles customer [--ttl 8h]
 *   npm run token -- --sub root --roles admin,customer --ttl 15m
 *
 * The token is printed alone on the last line, so `TOKEN=$(npm run -s token -- --sub alice | tail -1)` works.
 */
import { baseConfigSchema, ConfigError, createAuth, DEV_JWT_SECRET, loadConfig, tokenRulesOf, type BaseConfig } from '@shop/service-kit';
import { parseArgs } from 'node:util';

const USAGE = 'usage: npm run token -- --sub <subject> [--roles customer|admin[,…]] [--ttl 8h]';

async function main(): Promise<number> {
  let values: { sub?: string; roles?: string; ttl?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { sub: { type: 'string' }, roles: { type: 'string', default: 'customer' }, ttl: { type: 'string', default: '8h' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.sub || !/^[\w.@:-]{1,128}$/.test(values.sub)) {
    console.error(`--sub is required (letters, digits, . _ @ : -)\n${USAGE}`);
    return 2;
  }
  const roles = (values.roles ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  const ttl = values.ttl ?? '8h';
  if (!/^\d+\s*(s|sec|m|min|h|hr|d|day|w)?s?$/.test(ttl)) {
    console.error(`--ttl must look like 900, 15m, 8h or 7d (got "${ttl}")\n${USAGE}`);
    return 2;
  }
  let config: BaseConfig;
  try {
    config = loadConfig(baseConfigSchema);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  let token: string;
  try {
    // the services' own rules: issuer, audience, and a lifetime they accept
    token = await createAuth(config.JWT_SECRET, tokenRulesOf(config)).signToken({ sub: values.sub, roles, ttl: /^\d+$/.test(ttl) ? Number(ttl) : ttl });
  } catch (e) {
    console.error(`--ttl: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  console.log(`# sub=${values.sub} roles=${roles.join(',') || '(none)'} ttl=${ttl}${config.JWT_SECRET === DEV_JWT_SECRET ? ' (development secret)' : ''}`);
  console.log(token);
  return 0;
}

main().then((code) => {
  process.exitCode = code;
});
