// The banner `npm start` prints: the facts a newcomer needs, no secret.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { startupBanner } from '../src/startup-banner.js';

describe('startupBanner', () => {
  it('names the HTTP URL, the token file, the embedded NATS child and its store, and the data dir', () => {
    const text = startupBanner({ address: 'http://127.0.0.1:8080', tokenFile: '.data/api-token', localNats: { url: 'nats://127.0.0.1:4222' }, natsUrl: 'nats://127.0.0.1:4222', dataDir: '.data' });
    expect(text).toContain('HTTP API   http://127.0.0.1:8080');
    expect(text).toContain(`API token  in ${resolve('.data/api-token')}`);
    expect(text).toContain(`NATS       nats://127.0.0.1:4222 (embedded nats-server child, store ${resolve('.data/nats')}`);
    expect(text).toContain(`data dir   ${resolve('.data')}`);
  });

  it('says when NATS is external and the token comes from the environment', () => {
    const text = startupBanner({ address: 'http://10.0.0.5:8080', tokenFile: undefined, localNats: undefined, natsUrl: 'nats://nats.internal:4222', dataDir: '/var/lib/byo' });
    expect(text).toContain('NATS       nats://nats.internal:4222 (external)');
    expect(text).toContain('API token  from BYO_API_TOKEN');
  });
});
