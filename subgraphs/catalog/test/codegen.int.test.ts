import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const pkg = join(__dirname, '..');

it('the committed resolver types match schema.graphql (else run `npm run codegen -w subgraphs/catalog`)', () => {
  // generate from a copy of the schema and config, so the test never rewrites the committed file;
  // the copy sits inside the package so codegen finds its plugins in the root node_modules
  const copy = mkdtempSync(join(pkg, '.codegen-check-'));
  try {
    for (const file of ['schema.graphql', 'codegen.ts']) copyFileSync(join(pkg, file), join(copy, file));
    const cli = join(pkg, '..', '..', 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js');
    execFileSync(process.execPath, [cli, '--config', 'codegen.ts', '--silent'], { cwd: copy, stdio: 'pipe' });
    const fresh = readFileSync(join(copy, 'src', 'generated', 'resolvers-types.ts'), 'utf8');
    expect(fresh).toBe(readFileSync(join(pkg, 'src', 'generated', 'resolvers-types.ts'), 'utf8'));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
