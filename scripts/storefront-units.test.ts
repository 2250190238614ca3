/**
 * The storefront's own unit tests are node:test files (it has no jest project: a static build
 * with its own tsconfig); this runs them as part of `npm test`, each file in its own process.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const files = readdirSync(join(root, 'storefront', 'src'), { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.test\.tsx?$/.test(f))
  .map((f) => join('storefront', 'src', f));

describe('storefront unit tests (node --test)', () => {
  it('there are some', () => expect(files.length).toBeGreaterThan(0));

  it.each(files)('%s passes', (file) => {
    // throws with the test runner's report when a test fails
    execFileSync(process.execPath, ['--import', 'tsx', '--test', file], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  });
});
