import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NODE_OPTIONS } from './node-options';

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const scripts = (path: string) => (JSON.parse(read(path)) as { scripts: Record<string, string> }).scripts;

describe('the V8 flags the services ship with', () => {
  const flags = SERVICE_NODE_OPTIONS.join(' ');

  it('every way of starting a service passes them: root start scripts, workspace start scripts, the image', () => {
    const root = scripts('package.json');
    const starts = Object.entries(root).filter(([name]) => name === 'start' || name.startsWith('start:'));
    expect(starts.length).toBeGreaterThanOrEqual(7);
    for (const [name, command] of starts) expect(`${name}: ${command}`).toContain(`node ${flags} --import tsx `);
    for (const workspace of ['subgraphs/catalog', 'subgraphs/cart', 'subgraphs/discount', 'subgraphs/order', 'gateways/web-bff', 'gateways/mobile-bff']) {
      expect(`${workspace}: ${scripts(`${workspace}/package.json`).start}`).toContain(`node ${flags} --import tsx `);
    }
    expect(read('Dockerfile')).toContain(`ENV NODE_OPTIONS="${flags}"`);
  });
});
