import { run } from './engine';

describe('run (the containers test drives podman through it)', () => {
  it('a command that exits without reading its input resolves with its status (the closed pipe is not a crash)', async () => {
    // `true` never reads stdin: writing a megabyte to it fails with EPIPE once it has exited, which
    // crashed the whole test run as an unhandled 'error' event (CI, 2026-12-07)
    await expect(run('true', [], { input: 'x'.repeat(1 << 20) })).resolves.toEqual({ status: 0, stdout: '', stderr: '' });
    await expect(run('sh', ['-c', 'exit 3'], { input: 'x'.repeat(1 << 20), allowFailure: true })).resolves.toMatchObject({ status: 3 });
  });

  it('input reaches a command that reads it', async () => {
    await expect(run('cat', [], { input: 'hello' })).resolves.toMatchObject({ status: 0, stdout: 'hello' });
  });
});
