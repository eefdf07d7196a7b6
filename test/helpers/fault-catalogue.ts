// The faults of issue 11 §3, each as start/end over a FaultWorld (fault-run.ts runs one under load).
// clusterFaults() need a FaultWorld started with `cluster: true`.
import { leaveSubmitsUnanswered, pauseAnswers, receiptText, throttleSubmits } from '../../src/simulator/index.js';
import type { Fault } from './fault-run.js';

export interface FaultDurations {
  unansweredMs: number;
  throttledMs: number;
  natsDownMs: number;
  engineDownMs: number;
  stormMs: number;
  /** receipts per second in the storm, as a multiple of the submit rate */
  stormFactor: number;
  blackHoleMs: number;
  /** the engine process stopped (SIGSTOP) this long: a GC pause or a starved host; default 4 s */
  enginePausedMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function faultCatalogue(d: FaultDurations): Fault[] {
  return [
    {
      name: 'drop-connections', what: 'the SMSC destroys every connection (no unbind)', durationMs: 0,
      start: async (w) => { for (const s of w.smscs) s.dropAll(); },
      end: async () => undefined,
    },
    {
      name: 'submits-unanswered', what: `the SMSC reads submit_sm and answers none for ${d.unansweredMs / 1000} s (enquire_link still answered)`,
      durationMs: d.unansweredMs,
      start: async (w) => { for (const s of w.smscs) leaveSubmitsUnanswered(s.faults, d.unansweredMs + 60_000); },
      end: async (w) => { for (const s of w.smscs) leaveSubmitsUnanswered(s.faults, 0); },
    },
    {
      name: 'throttled', what: `the SMSC answers every submit_sm ESME_RTHROTTLED for ${d.throttledMs / 1000} s`, durationMs: d.throttledMs,
      start: async (w) => { for (const s of w.smscs) throttleSubmits(s.faults, d.throttledMs + 60_000); },
      end: async (w) => { for (const s of w.smscs) throttleSubmits(s.faults, 0); },
    },
    {
      name: 'nats-restart', what: `nats-server stopped (SIGTERM), started again ${d.natsDownMs / 1000} s later on the same port and store`,
      durationMs: d.natsDownMs,
      start: (w) => w.nats.kill(),
      end: (w) => w.nats.restart(),
    },
    {
      name: 'engine-sigkill', what: `the engine SIGKILLed, started again ${d.engineDownMs / 1000} s later on the same data dir`, durationMs: d.engineDownMs,
      start: (w) => w.engine.kill(),
      end: (w) => w.restartEngine(),
    },
    {
      // longer than the MT lease of the tests (3 s): JetStream redelivers messages the engine still holds
      name: 'engine-paused', what: `the engine process stopped (SIGSTOP) for ${(d.enginePausedMs ?? 4_000) / 1000} s, then continued (SIGCONT)`,
      durationMs: d.enginePausedMs ?? 4_000,
      start: async (w) => { w.engine.child.kill('SIGSTOP'); },
      end: async (w) => { w.engine.child.kill('SIGCONT'); },
    },
    receiptStorm(d),
    {
      name: 'black-hole-one', what: `one integration's SMSC answers nothing at all for ${d.blackHoleMs / 1000} s; the others go on`,
      durationMs: d.blackHoleMs, hits: [0],
      start: async (w) => pauseAnswers(w.smscs[0]!.faults, d.blackHoleMs + 60_000),
      end: async (w) => pauseAnswers(w.smscs[0]!.faults, 0),
    },
  ];
}

/**
 * One node of a three-node JetStream cluster SIGKILLed mid-traffic (the leader of the tracking bucket,
 * where receipts are recorded), started again `natsDownMs` later. Meant for a world whose SMSCs drop a
 * refused receipt (dropRefusedReceipts): the engine must ride the fault out itself, not lean on retries.
 */
export function clusterFaults(d: Pick<FaultDurations, 'natsDownMs'>): Fault[] {
  return [{
    name: 'nats-node-kill', durationMs: d.natsDownMs,
    what: `one node of a three-node cluster (the tracking bucket's leader) SIGKILLed, started again ${d.natsDownMs / 1000} s later; the SMSCs never resend a refused receipt`,
    start: async (w) => {
      if (!w.nats.cluster) throw new Error('nats-node-kill needs a FaultWorld started with cluster: true');
      await w.nats.kill();
    },
    end: async (w) => {
      await w.nats.restart();
      const dropped = w.smscs.reduce((n, s) => n + s.receipts.filter((r) => r.respStatus !== undefined && r.respStatus !== 0).length, 0);
      return `receiptsRefusedAndDropped=${dropped}`;
    },
  }];
}

/**
 * deliver_sm receipts at `stormFactor` × the submit rate, spread over the integrations: half repeat a
 * receipt the engine already took (a final status already published), half carry ids no submit ever had.
 * The engine must publish no second final status and answer every one.
 */
function receiptStorm(d: FaultDurations): Fault {
  let stop = () => undefined as void;
  let done: Promise<string> = Promise.resolve('');
  return {
    name: 'receipt-storm', what: `duplicate and unknown receipts at ${d.stormFactor}x the submit rate for ${d.stormMs / 1000} s`,
    durationMs: d.stormMs,
    start: async (w) => {
      const counts = { sent: 0, ok: 0, noAnswer: 0 };
      const refused = new Map<number, number>();
      const inFlight = new Set<Promise<void>>();
      let unknown = 9_000_000_000;
      let running = true;
      const perTickMs = 20;
      const perTick = (w.opts.ratePerSecond * d.stormFactor * perTickMs) / 1000;
      let owed = 0;
      const timer = setInterval(() => {
        owed += perTick;
        const taken = w.smscs.map((smsc) => smsc.receipts.filter((r) => r.respStatus === 0));
        for (; owed >= 1 && running; owed--) {
          const k = counts.sent % w.integrations.length;
          const smsc = w.smscs[k]!;
          const mine = taken[k]!;
          const repeat = counts.sent % 2 === 0 && mine.length > 0 ? mine[Math.floor(Math.random() * mine.length)]! : undefined;
          const id = repeat?.receiptId ?? String(unknown++);
          const now = new Date();
          const p = smsc.deliver('any', {
            source_addr: '+16660000000', destination_addr: w.integrations[k]!.sender, esm_class: 0x04, data_coding: 0,
            short_message: Buffer.from(receiptText({ id, stat: 'DELIVRD', err: 0, submitted: now, done: now, text: 'storm' }), 'latin1'),
          }, 10_000).then((h) => { if (h.commandStatus === 0) counts.ok++; else refused.set(h.commandStatus, (refused.get(h.commandStatus) ?? 0) + 1); }, () => { counts.noAnswer++; });
          counts.sent++;
          const q = p.finally(() => inFlight.delete(q));
          inFlight.add(q);
        }
      }, perTickMs);
      stop = () => { running = false; clearInterval(timer); };
      done = (async () => {
        while (running) await sleep(100);
        await Promise.all([...inFlight]);
        const byStatus = [...refused].map(([status, c]) => `0x${status.toString(16).padStart(8, '0')}:${c}`).join(',') || '0';
        return `storm: sent=${counts.sent} answeredOk=${counts.ok} refused=${byStatus} noAnswer=${counts.noAnswer}`;
      })();
    },
    end: async () => {
      stop();
      return done;
    },
  };
}
