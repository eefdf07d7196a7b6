// RSS of one client TLS socket (certificate verified against a test CA) with `ca` given per connection
// versus one shared SecureContext, the server in a child process so only the client end is counted.
//   node --expose-gc --import tsx bench/tls-socket-memory.ts [sockets=600] [ca|shared] [handshake|exchange]
// `exchange`: after the handshake each socket sends 16 octets and reads them back, as a bound bind that
// has been pinged has (OpenSSL keeps its record buffers once used; Node does not release them).
import tls from 'node:tls';
import { fork } from 'node:child_process';
import { testCertificates } from '../test/helpers/tls-cert.js';

const N = Number(process.argv[2] ?? 600);
const mode = process.argv[3] ?? 'shared';
const exchange = process.argv[4] === 'exchange';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (mode === 'server') {
  const server = tls.createServer({ key: process.env.TLS_KEY!, cert: process.env.TLS_CERT! }, (s) => {
    s.on('error', () => undefined);
    s.on('data', (d) => s.write(d));
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port));
} else {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const { ca, key, cert } = testCertificates();
  const child = fork(import.meta.filename, ['0', 'server'], { execArgv: ['--import', 'tsx'], env: { ...process.env, TLS_KEY: key, TLS_CERT: cert } });
  const port = await new Promise<number>((r) => child.once('message', (p) => r(p as number)));
  gc();
  await sleep(200);
  const rss0 = process.memoryUsage().rss;
  const ctx = tls.createSecureContext({ ca });
  const sockets: tls.TLSSocket[] = [];
  for (let i = 0; i < N; i++) {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: true, ...(mode === 'shared' ? { secureContext: ctx } : { ca }) });
    await new Promise<void>((resolve, reject) => { s.once('secureConnect', () => resolve()); s.once('error', reject); });
    if (exchange) {
      s.write(Buffer.alloc(16));
      await new Promise((resolve) => s.once('data', resolve));
    }
    sockets.push(s);
  }
  gc();
  await sleep(500);
  const perSocketKb = (process.memoryUsage().rss - rss0) / 1024 / N;
  process.stdout.write(`${mode === 'shared' ? 'one shared SecureContext' : 'ca per connection'}, ${exchange ? 'after 16 octets each way' : 'after the handshake'}: `
    + `${sockets.length} client TLS sockets (${sockets[0]?.getProtocol()}), +${perSocketKb.toFixed(1)} KB RSS per socket\n`);
  child.kill();
  process.exit(0);
}
