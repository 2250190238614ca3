import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTPUT, resolverTypes, SCHEMA } from '../codegen';

const dir = join(__dirname, '..');
const cli = join(dir, '..', '..', 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js');

it('the committed resolver types match schema.graphql (else run `npm run codegen -w subgraphs/payment`)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'payment-codegen-'));
  try {
    const output = join(tmp, 'resolvers-types.ts');
    // the same CLI and settings as `npm run codegen`, written elsewhere (the CLI is ESM-only under jest)
    writeFileSync(join(tmp, 'codegen.json'), JSON.stringify({ schema: join(dir, SCHEMA), generates: { [output]: resolverTypes }, silent: true }));
    execFileSync(process.execPath, [cli, '--config', join(tmp, 'codegen.json')], { cwd: dir, stdio: 'pipe' });
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(join(dir, OUTPUT), 'utf8'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
