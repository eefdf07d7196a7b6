// One real nats-server and a client connection for a test file: started in beforeAll, closed and
// removed in afterAll. `setUp` runs after connecting (create streams, buckets...).
import { afterAll, beforeAll } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, type TestNatsServer } from './nats-server.js';

export interface NatsFixture {
  readonly server: TestNatsServer;
  readonly nc: NatsConnection;
}

export function useNatsServer(setUp?: (f: NatsFixture) => Promise<void>): NatsFixture {
  const f = {} as { server: TestNatsServer; nc: NatsConnection };
  beforeAll(async () => {
    f.server = await startNatsServer();
    f.nc = await connect({ servers: f.server.url, timeout: 5_000 });
    await setUp?.(f);
  });
  afterAll(async () => {
    await f.nc?.close();
    await f.server?.stop();
  });
  return f;
}
