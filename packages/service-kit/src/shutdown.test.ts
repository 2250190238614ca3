import { createLogger } from './logger';
import { startInParts } from './shutdown';

const logger = createLogger('shutdown-test', 'silent');

describe('startInParts', () => {
  it('stops the parts last started first', async () => {
    const stopped: string[] = [];
    const service = await startInParts('shop', logger, async (parts) => {
      const db = parts.add('db', async (p) => void stopped.push(p));
      parts.add('bus', async (p) => void stopped.push(p));
      parts.add('server', async (p) => void stopped.push(p));
      return { db, stop: parts.stopAll };
    });
    expect(service.db).toBe('db');
    await service.stop();
    expect(stopped).toEqual(['server', 'bus', 'db']);
    await service.stop();
    expect(stopped).toHaveLength(3);
  });

  it('a failed start stops what had started, then rethrows', async () => {
    const stopped: string[] = [];
    await expect(
      startInParts('shop', logger, async (parts) => {
        parts.add('db', async (p) => void stopped.push(p));
        parts.add('bus', async () => {
          throw new Error('bus would not close');
        });
        throw new Error('port in use');
      }),
    ).rejects.toThrow('port in use');
    expect(stopped).toEqual(['db']);
  });
});
