/**
 * CPU profiling of a bench child on request (IPC `profile-start` / `profile-stop`), so a profile
 * covers the load alone, not the process's start-up (which `node --cpu-prof` would include).
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

export interface ProfileMessage {
  type: 'profile-start' | 'profile-stop';
  /** where profile-stop writes the .cpuprofile */
  file?: string;
}

export function answerProfileRequests(): void {
  let session: Session | undefined;
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session!.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
  process.on('message', async (m: ProfileMessage) => {
    try {
      if (m.type === 'profile-start') {
        session = new Session();
        session.connect();
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: 200 });
        await post('Profiler.start');
        process.send!({ type: 'profile-started' });
      } else if (m.type === 'profile-stop' && session) {
        const { profile } = (await post('Profiler.stop')) as { profile: unknown };
        session.disconnect();
        session = undefined;
        writeFileSync(m.file!, JSON.stringify(profile));
        process.send!({ type: 'profile-stopped', file: m.file });
      }
    } catch (err) {
      process.send!({ type: 'profile-stopped', error: String(err) });
    }
  });
}
