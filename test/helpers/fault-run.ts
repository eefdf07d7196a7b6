// One fault in the middle of a steady open-loop MT load, and its figures (see fault-world.ts).
//   warm-up → fault starts → fault ends → load goes on for `afterMs` → publishing stops → drain
// Figures, from the statuses stored in BYO_STATUS (read after the engine settled: BYO_MT empty and the
// reader at the end of BYO_STATUS):
//   published   messages JetStream acknowledged (a failed publish is retried with the same Nats-Msg-Id)
//   final       messages with a final status (delivered / failed / rejected)
//   lost        published without any final status when the drain ended
//   duplicated  more than one final status, or more than one `submitted`
//   late        first final status later than `lateAfterMs` after the fault ended
//   recovery    fault end → the last message published before it has its final status
//   wireDup     submit_sm the SMSC accepted twice for one message (the handset got it twice)
//   resent      submit_sm the engine sent again after a timeout, a closed session or a generic_nack, and
//               counted (byo_submit_sm_total): the duplicates SMPP cannot rule out. wireDup > resent: a bug
import { jetstreamManager } from '@nats-io/jetstream';
import { eventually } from './engine-process.js';
import type { FaultWorld } from './fault-world.js';

export interface Fault {
  name: string;
  /** what is done, for the report */
  what: string;
  /** how long the fault lasts (0: an instant, e.g. dropping every connection) */
  durationMs: number;
  /** integrations (indexes) the fault hits; the others' rate during it is reported. Default: all */
  hits?: readonly number[];
  start(w: FaultWorld): Promise<void>;
  /** ends the fault; may return extra figures for the line */
  end(w: FaultWorld): Promise<string | void>;
}

export interface RunOptions {
  warmupMs: number;
  afterMs: number;
  drainTimeoutMs: number;
  lateAfterMs: number;
}

export interface FaultFigures {
  fault: string;
  published: number;
  unpublished: number;
  final: number;
  lost: number;
  duplicated: number;
  late: number;
  wireDup: number;
  resent: number;
  /** NaN when something was lost */
  recoveryMs: number;
  /** messages/s `submitted` on the integrations the fault does not hit, while it lasted (target in brackets) */
  others?: { rate: number; target: number };
  extra: string;
  lostIds: string[];
  duplicatedIds: string[];
  /** each text the SMSCs accepted more than once, with when and on which connection (for a failure's report) */
  wireDupDetails: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** wait before retrying a publish JetStream did not acknowledge */
const PUBLISH_RETRY_MS = 250;

/**
 * Publishes one MT message on BYO_MT until JetStream acknowledges it (retried with the same Nats-Msg-Id, so
 * at most one copy is stored), or until `giveUpAt()` has passed; tracked in `pending` meanwhile.
 */
export function publishUntilAcked(w: FaultWorld, subject: string, payload: string, id: string, pending: Set<Promise<void>>,
  giveUpAt: () => number, onAcked: () => void): void {
  const attempt = async (): Promise<void> => {
    for (;;) {
      try {
        await w.js.publish(subject, payload, { msgID: id, timeout: 5_000 });
        onAcked();
        return;
      } catch {
        if (Date.now() > giveUpAt()) return;
        await sleep(PUBLISH_RETRY_MS);
      }
    }
  };
  const p = attempt().finally(() => pending.delete(p));
  pending.add(p);
}

export async function runFault(w: FaultWorld, fault: Fault, o: RunOptions): Promise<FaultFigures> {
  const prefix = `${fault.name}-${Date.now().toString(36)}-`;
  const { ratePerSecond } = w.opts;
  const n = w.integrations.length;
  for (const s of w.smscs) {
    s.submits.splice(0);
    s.receipts.splice(0);
  }
  const acked = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  let giveUpAt = Number.POSITIVE_INFINITY;
  const publish = (i: number): void => {
    const id = `${prefix}${i}`;
    const k = i % n;
    const { org, id: integration, sender } = w.integrations[k]!;
    const payload = JSON.stringify({ id, from: sender, to: `+1666${String(i).padStart(7, '0')}`, text: `faults ${id}` });
    publishUntilAcked(w, `byo.mt.${org}.${integration}`, payload, id, pending, () => giveUpAt, () => acked.set(id, Date.now()));
  };

  const resentBefore = await w.resends();
  let sent = 0;
  const t0 = performance.now();
  const pacer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * ratePerSecond);
    while (sent < due) publish(sent++);
  }, 5);

  await sleep(o.warmupMs);
  const faultStart = Date.now();
  await fault.start(w);
  await sleep(Math.max(0, faultStart + fault.durationMs - Date.now()));
  const extra = (await fault.end(w)) ?? '';
  const faultEnd = Date.now();
  await sleep(o.afterMs);
  clearInterval(pacer);

  // drain: every published message has a final status, or the time is up
  giveUpAt = Date.now() + o.drainTimeoutMs;
  const allFinal = () => [...acked.keys()].every((id) => (w.seen.get(id)?.finals.length ?? 0) > 0);
  while (Date.now() < giveUpAt && (pending.size > 0 || !allFinal())) await sleep(200);
  // settled: nothing left in BYO_MT and the reader at the end of BYO_STATUS, so a repeated status is counted
  const jsm = await jetstreamManager(w.nc);
  await eventually(async () => (await jsm.streams.info('BYO_MT')).state.messages === 0, { what: 'BYO_MT empty', timeoutMs: 30_000 }).catch(() => undefined);
  await sleep(1_000);
  await w.caughtUp().catch(() => undefined);
  const resentAfter = await w.resends();
  // a restarted engine counts from 0
  const resent = resentAfter >= resentBefore ? resentAfter - resentBefore : resentAfter;
  return figures(w, fault, { prefix, acked, sent, faultStart, faultEnd, extra, resent }, o);
}

function figures(
  w: FaultWorld, fault: Fault,
  r: { prefix: string; acked: Map<string, number>; sent: number; faultStart: number; faultEnd: number; extra: string; resent: number },
  o: RunOptions,
): FaultFigures {
  const lostIds: string[] = [];
  const duplicatedIds: string[] = [];
  let final = 0;
  let late = 0;
  let recoveryMs = 0;
  for (const [id, publishedAt] of r.acked) {
    const s = w.seen.get(id);
    if (!s || s.finals.length === 0) {
      lostIds.push(id);
      continue;
    }
    final++;
    if (s.finals.length > 1 || s.submitted > 1) duplicatedIds.push(id);
    const at = Math.min(...s.finals.map((f) => f.at));
    if (at > r.faultEnd + o.lateAfterMs) late++;
    if (publishedAt <= r.faultEnd) recoveryMs = Math.max(recoveryMs, at - r.faultEnd);
  }
  const accepted = new Map<string, number>();
  const acceptedAt = new Map<string, string[]>();
  for (const [k, smsc] of w.smscs.entries()) {
    for (const s of smsc.submits) {
      if (s.commandStatus !== 0) continue;
      const text = s.short_message.toString('latin1');
      if (!text.includes(r.prefix)) continue;
      accepted.set(text, (accepted.get(text) ?? 0) + 1);
      acceptedAt.set(text, [...(acceptedAt.get(text) ?? []), `smsc ${k} connection ${s.connection} at ${new Date(s.at).toISOString()}`]);
    }
  }
  const wireDupDetails = [...accepted].filter(([, c]) => c > 1).map(([text]) => `${text}: ${acceptedAt.get(text)!.join('; ')}`);
  let others: FaultFigures['others'];
  if (fault.hits) {
    const window = Math.max(1, r.faultEnd - r.faultStart) / 1000;
    const hit = new Set(fault.hits);
    let count = 0;
    for (const [id, s] of w.seen) {
      if (id.startsWith(r.prefix) && !hit.has(s.integration) && s.submittedAt >= r.faultStart && s.submittedAt <= r.faultEnd) count++;
    }
    const n = w.integrations.length;
    others = { rate: count / window, target: (w.opts.ratePerSecond * (n - hit.size)) / n };
  }
  return {
    fault: fault.name, published: r.acked.size, unpublished: r.sent - r.acked.size, final, lost: lostIds.length,
    duplicated: duplicatedIds.length, late, wireDup: [...accepted.values()].filter((c) => c > 1).length, resent: r.resent,
    recoveryMs: lostIds.length > 0 ? Number.NaN : Math.max(0, recoveryMs), others, extra: r.extra, lostIds, duplicatedIds, wireDupDetails,
  };
}

/** one line of figures */
export function formatFigures(f: FaultFigures, lateAfterMs: number): string {
  const recovery = Number.isNaN(f.recoveryMs) ? 'n/a (lost)' : `${(f.recoveryMs / 1000).toFixed(1)} s`;
  const others = f.others ? ` others=${f.others.rate.toFixed(0)}/s (target ${f.others.target.toFixed(0)}/s)` : '';
  return `${f.fault.padEnd(18)} published=${f.published} final=${f.final} lost=${f.lost} duplicated=${f.duplicated}`
    + ` late(>${lateAfterMs / 1000}s)=${f.late} wireDup=${f.wireDup} resent=${f.resent} recovery=${recovery}${others}`
    + `${f.unpublished ? ` unpublished=${f.unpublished}` : ''}${f.extra ? ` ${f.extra}` : ''}`;
}

/** For a failure's report: each message on the wire twice, and what the engine logged about it. */
export function wireDupReport(w: FaultWorld, f: FaultFigures): string {
  const logs = w.engine.logs().split('\n');
  return f.wireDupDetails.map((d) => {
    const id = d.slice(0, d.indexOf(':')).replace(/^faults /, '');
    const lines = logs.filter((l) => l.includes(`"${id}"`)).slice(0, 40);
    return `${d}\n${lines.join('\n')}`;
  }).join('\n\n');
}
