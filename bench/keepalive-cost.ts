// CPU of one keep-alive round trip (enquire_link → enquire_link_resp) over a verified TLS bind, in the
// client process: the engine's session as the keep-alive sends it (`SmppSession.ping`: no promise, no
// expiry timer) and as a request (`enquireLink`: a promise and the window's sweep timer), against a floor
// measured in the same run: raw TLS sockets writing the same 16 octets and reading the answer with no
// SMPP code at all. The answering server runs in a child process, so only the client is counted.
//   npx tsx bench/keepalive-cost.ts [sockets=900] [seconds=20] [rounds=3]
// Every second each socket sends one ping (as 900 binds at a 1 s interval; idle 9,000 binds at 30 s
// send 300 a second). Printed: µs of client CPU (user + system) per ping, for each path.
//   npx tsx bench/keepalive-cost.ts spread [sockets=9000] [seconds=60]
// The engine's idle shape without the engine: each session kept alive by the real KeepAlive every 30 s
// on the engine's grid clock (1 s grid, 50 timers a turn); printed: % of a core and µs per ping.
import tls from 'node:tls';
import inspector from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { fork } from 'node:child_process';
import { testCertificates } from '../test/helpers/tls-cert.js';
import { createSmppSession, KeepAlive } from '../src/adapters/smpp/index.js';
import { CoarseClock } from '../src/actors/coarse-clock.js';
import type { SmppSession } from '../src/adapters/smpp/index.js';

const SPREAD = process.argv[2] === 'spread';
const args = SPREAD ? process.argv.slice(3) : process.argv.slice(2);
const N = Number(args[0] ?? (SPREAD ? 9000 : 900));
const SECONDS = Number(args[1] ?? (SPREAD ? 60 : 20));
const ROUNDS = Number(args[2] ?? 3);
const KEEP_ALIVE_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (process.argv[2] === 'server') {
  // answers every 16-octet request header with its response header, same sequence number
  const server = tls.createServer({ key: process.env.TLS_KEY!, cert: process.env.TLS_CERT! }, (s) => {
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      for (let off = 0; off + 16 <= d.length; off += 16) {
        const out = Buffer.from(d.subarray(off, off + 16));
        out.writeUInt32BE((out.readUInt32BE(4) | 0x80000000) >>> 0, 4);
        s.write(out);
      }
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port));
} else {
  const { ca, key, cert } = testCertificates();
  const child = fork(import.meta.filename, ['server'], { execArgv: ['--import', 'tsx'], env: { ...process.env, TLS_KEY: key, TLS_CERT: cert } });
  const port = await new Promise<number>((r) => child.once('message', (p) => r(p as number)));
  const tlsOpts = { enabled: true, ca, servername: 'localhost', rejectUnauthorized: true };

  const sessions: SmppSession[] = [];
  for (let i = 0; i < N; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, N - i) }, async () => {
      const s = createSmppSession({ host: '127.0.0.1', port, tls: tlsOpts, connectTimeoutMs: 30_000, windowSize: 10, maxPduLength: 65_536 }, () => undefined);
      await new Promise<void>((resolve) => {
        s.connect();
        const t = setInterval(() => { if (s.writable) { clearInterval(t); resolve(); } }, 5);
      });
      sessions.push(s);
    }));
  }
  if (SPREAD) {
    // BALLAST_MB: live heap beside the sessions, as an engine's actors and records are (~70 KB per integration)
    const ballast: object[][] = [];
    for (let mb = 0; mb < Number(process.env.BALLAST_MB ?? 0); mb++) {
      ballast.push(Array.from({ length: 8_000 }, (_, i) => ({ i, s: `k${i}`, next: null as object | null })));
    }
    const clock = new CoarseClock(1_000, 50);
    const keepers = sessions.map((s) => new KeepAlive({
      intervalMs: KEEP_ALIVE_MS, timeoutMs: 10_000, clock, now: Date.now, lastHeard: () => s.lastReadAt ?? 0,
      ping: (done) => s.ping(done), onLost: (reason) => { throw new Error(reason); },
    }));
    await sleep(KEEP_ALIVE_MS + 5_000);
    const pings0 = keepers.reduce((n, k) => n + k.pings, 0);
    // KEEPALIVE_PROF=<file>: a V8 CPU profile of the window (bench/cpuprofile-summary.ts reads it)
    const prof = process.env.KEEPALIVE_PROF ? new inspector.Session() : undefined;
    if (prof) {
      prof.connect();
      await new Promise((r) => prof.post('Profiler.enable', () => prof.post('Profiler.start', r)));
    }
    const cpu0 = process.cpuUsage();
    await sleep(SECONDS * 1_000);
    const cpu = process.cpuUsage(cpu0);
    if (prof) {
      await new Promise<void>((r) => prof.post('Profiler.stop', (err, res) => {
        if (!err) writeFileSync(process.env.KEEPALIVE_PROF!, JSON.stringify(res.profile));
        r();
      }));
    }
    const pings = keepers.reduce((n, k) => n + k.pings, 0) - pings0;
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
    process.stdout.write(`${N} TLS sessions kept alive every ${KEEP_ALIVE_MS / 1000} s on the grid clock: ${pings} pings in ${SECONDS} s, `
      + `${(((cpu.user + cpu.system) / 1e6 / SECONDS) * 100).toFixed(2)}% of a core (system ${((cpu.system / 1e6 / SECONDS) * 100).toFixed(2)}), `
      + `${((cpu.user + cpu.system) / pings).toFixed(1)} µs per ping; heap ${heapMb.toFixed(0)} MB\n`);
    child.kill();
    process.exit(0);
  }
  const raw: tls.TLSSocket[] = [];
  let rawAnswers = 0;
  for (let i = 0; i < N; i++) {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, rejectUnauthorized: true });
    await new Promise<void>((resolve, reject) => { s.once('secureConnect', () => resolve()); s.once('error', reject); });
    s.on('data', (d: Buffer) => { rawAnswers += d.length >> 4; });
    raw.push(s);
  }
  const ping = Buffer.from('00000010000000150000000000000001', 'hex');

  async function measure(label: string, fire: () => void, answered: () => number): Promise<number> {
    await sleep(1000);
    const before = answered();
    const cpu0 = process.cpuUsage();
    for (let s = 0; s < SECONDS; s++) {
      fire();
      await sleep(1000);
    }
    const cpu = process.cpuUsage(cpu0);
    const pings = answered() - before;
    const us = (cpu.user + cpu.system) / pings;
    process.stdout.write(`${label.padEnd(34)} ${pings} pings answered, ${us.toFixed(1)} µs client CPU per ping (system ${(cpu.system / pings).toFixed(1)})\n`);
    return us;
  }

  let sessionAnswers = 0;
  process.stdout.write(`${N} verified TLS sockets per path, one ping per socket a second for ${SECONDS} s, ${ROUNDS} rounds alternated\n`);
  const results = { raw: [] as number[], ping: [] as number[], request: [] as number[] };
  const answered = (err?: Error) => { if (!err) sessionAnswers++; };
  for (let r = 0; r < ROUNDS; r++) {
    results.raw.push(await measure('raw TLS socket (floor)', () => { for (const s of raw) s.write(ping); }, () => rawAnswers));
    results.ping.push(await measure('SmppSession.ping (keep-alive)', () => { for (const s of sessions) s.ping(answered); }, () => sessionAnswers));
    results.request.push(await measure('SmppSession.enquireLink (request)', () => {
      for (const s of sessions) s.enquireLink(10_000).then(() => { sessionAnswers++; }, () => undefined);
    }, () => sessionAnswers));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const [floor, viaPing, viaRequest] = [median(results.raw), median(results.ping), median(results.request)];
  process.stdout.write(`median µs per ping: floor ${floor.toFixed(1)}; ping ${viaPing.toFixed(1)} (+${(viaPing - floor).toFixed(1)}); `
    + `enquireLink ${viaRequest.toFixed(1)} (+${(viaRequest - floor).toFixed(1)})\n`);
  child.kill();
  process.exit(0);
}
