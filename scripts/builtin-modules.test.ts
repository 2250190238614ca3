import { execFileSync } from 'node:child_process';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '..');

/**
 * In a process started as every service is (`node --import tsx`), which requests reach the
 * resolver tsx installed: it is wrapped before the entry runs, as tsx's own is.
 */
function requestsSeenByTsx(install: boolean): string[] {
  const probe = `
    const Module = require('node:module');
    const asked = [];
    const tsx = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) { asked.push(request); return tsx.call(this, request, ...rest); };
    const { resolveBuiltinModulesFirst } = require('./scripts/builtin-modules');
    if (${install}) resolveBuiltinModulesFirst();
    asked.length = 0;
    require('crypto').createHash('sha256');
    require('zlib');
    require('safe-stable-stringify');
    process.stdout.write(JSON.stringify(asked));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', probe], { cwd: root, encoding: 'utf8' })) as string[];
}

describe('resolveBuiltinModulesFirst', () => {
  it("without it, every require('crypto') goes through tsx's resolver (Apollo Server's, once per request)", () => {
    expect(requestsSeenByTsx(false).slice(0, 3)).toEqual(['crypto', 'zlib', 'safe-stable-stringify']);
  });

  it('with it, built-ins resolve on their own and anything else still goes through tsx', () => {
    const seen = requestsSeenByTsx(true);
    expect(seen[0]).toBe('safe-stable-stringify');
    expect(seen.filter((request) => isBuiltin(request))).toEqual([]);
  });
});
