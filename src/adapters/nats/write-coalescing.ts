// One NATS socket write per event-loop turn instead of one per task.
//
// nats.js (nats-core 3.x ProtocolHandler.sendCommand) queues what is published and writes it out in a
// microtask: once after every callback that published. Under load the engine runs hundreds of callbacks a
// turn (a TLS read from each SMSC, each JetStream reply), so each became its own small write to
// nats-server, and on loopback every write also pays the receiving side's TCP work and a nats-server read.
// Here the queued data is written once the turn's I/O callbacks have run (setImmediate: the loop does not
// block in poll while one is pending, so the delay is the rest of this turn, never a wait for I/O).
// Measured in bench/production.ts (docs/performance.md): nats-server CPU per delivered message -15%, and
// 3,677 → 56 NATS writes in a 3 s strace of the burst.
//
// Order is kept: everything still goes through nats.js's one outbound buffer (a flush()'s PING after what
// was published before it). A buffer past nats.js's own pendingLimit is written at once, as before, so a
// burst in one callback does not grow it without bound. It reaches into ProtocolHandler (`flushPending`,
// `outbound`, `pendingLimit`): no public API sets the flush policy. If those are missing it changes nothing
// and says so.
import type { NatsConnection } from '@nats-io/transport-node';

interface ProtocolInternals {
  flushPending(): void;
  outbound: { size(): number };
  pendingLimit: number;
}

function internals(nc: NatsConnection): ProtocolInternals | undefined {
  const p = (nc as unknown as { protocol?: Partial<ProtocolInternals> }).protocol;
  return p && typeof p.flushPending === 'function' && typeof p.outbound?.size === 'function' && typeof p.pendingLimit === 'number'
    ? p as ProtocolInternals : undefined;
}

/** Defers nats.js's flushes of `nc` to the end of the event-loop turn. False (nothing changed) without the internals. */
export function coalesceWrites(nc: NatsConnection): boolean {
  const p = internals(nc);
  if (!p) return false;
  const flushNow = p.flushPending.bind(p);
  let scheduled = false;
  const flushScheduled = () => {
    scheduled = false;
    flushNow();
  };
  p.flushPending = () => {
    if (p.outbound.size() >= p.pendingLimit) {
      flushNow();
      return;
    }
    if (scheduled) return;
    scheduled = true;
    setImmediate(flushScheduled);
  };
  return true;
}
