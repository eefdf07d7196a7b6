// The outbound lane's bookkeeping: the messages it holds (jobs), the queue of their segments, the rate
// limiter and the round robin over binds. Plain and synchronous: the lane machine decides when to pump,
// the lane actor (src/actors/outbound/lane.ts) does the I/O through `LaneIo`. `M` is the JetStream
// message there, anything in tests; the book never looks inside it.
import { nextWritable, RateLimiter, type CommandStatusClass, type GenericError, type PreparedMessage } from '../domain/index.js';

export interface LaneJob<M> {
  /** the delivery it is settled through: a redelivery of a message still open here replaces it */
  msg: M;
  readonly prepared: PreparedMessage;
  /** per segment: the SMSC's message_id once answered ESME_ROK */
  readonly smscIds: (string | undefined)[];
  inFlight: number;
  /** segments without a final answer yet */
  remaining: number;
  /** a segment went out: the message may have reached the SMSC, so it is never handed back unanswered */
  started: boolean;
  failure?: GenericError;
  /** when its JetStream lease was last renewed (ms) */
  lastWorkingMs: number;
}

export interface LaneSegment<M> {
  readonly job: LaneJob<M>;
  readonly index: number;
}

export interface WritableSession {
  readonly writable: boolean;
}

/** What the pump needs from the outside world. */
export interface LaneIo<M, S extends WritableSession> {
  /** bound sessions by bind index (undefined: not bound) */
  readonly sessions: readonly (S | undefined)[];
  /** send one segment on `session` (its answer comes back through `LaneBook.answer`) */
  submit(segment: LaneSegment<M>, session: S): void;
  /** a job may have just finished (see `LaneBook.finish`) */
  settleIfDone(job: LaneJob<M>): void;
  /** hand a message back to JetStream unsent */
  release(job: LaneJob<M>): void;
}

/** Why a pump stopped: nothing queued, no bind with room in its window, or the rate limit. */
export type PumpResult = 'idle' | 'noBind' | 'wait';

export class LaneBook<M, S extends WritableSession> {
  readonly queue: LaneSegment<M>[] = [];
  readonly jobs = new Set<LaneJob<M>>();
  /** the open jobs by message id: a second delivery of a message must find its job without a scan */
  private readonly byId = new Map<string, LaneJob<M>>();
  private nextBind = 0;
  /** consecutive retriable answers (THROTTLED, MSGQFUL...): the pause doubles with each */
  private throttles = 0;
  private limiter: RateLimiter | undefined;

  /** messages per second; 0 or less: no limit */
  setRate(messagesPerSecond: number): void {
    if (this.limiter?.messagesPerSecond !== messagesPerSecond) this.limiter = messagesPerSecond > 0 ? new RateLimiter(messagesPerSecond) : undefined;
  }

  get messagesPerSecond(): number | undefined {
    return this.limiter?.messagesPerSecond;
  }

  /** ms until the rate limit allows the next send (0: now) */
  waitMs(nowMs: number): number {
    return this.limiter?.waitMs(nowMs) ?? 0;
  }

  depth(): { queuedSegments: number; openMessages: number } {
    return { queuedSegments: this.queue.length, openMessages: this.jobs.size };
  }

  /** A prepared message joins the lane: all its segments are queued. */
  admit(msg: M, prepared: PreparedMessage, nowMs: number): LaneJob<M> {
    const job: LaneJob<M> = {
      msg, prepared, smscIds: prepared.pdus.map(() => undefined), inFlight: 0,
      remaining: prepared.pdus.length, started: false, lastWorkingMs: nowMs,
    };
    this.jobs.add(job);
    this.byId.set(prepared.id, job);
    for (let index = 0; index < job.remaining; index++) this.queue.push({ job, index });
    return job;
  }

  /** Sends queued segments while the rate limit and the binds' windows allow. */
  pump(now: () => number, io: LaneIo<M, S>): PumpResult {
    while (this.queue.length > 0) {
      const nowMs = now();
      if (this.limiter && this.limiter.waitMs(nowMs) > 0) return 'wait';
      const picked = nextWritable(io.sessions, this.nextBind);
      if (!picked) return 'noBind'; // smpp.window_open or a new bind pumps again
      this.nextBind = picked.next;
      const seg = this.queue.shift()!;
      if (seg.job.failure) {
        io.settleIfDone(seg.job);
        continue;
      }
      this.limiter?.take(nowMs);
      seg.job.started = true;
      seg.job.inFlight++;
      io.submit(seg, picked.session);
    }
    return 'idle';
  }

  /**
   * A submit_sm_resp for `seg`. Returns how many retriable answers came in a row when this one is
   * retriable (the segment is queued again at the front), else 0.
   */
  answer(seg: LaneSegment<M>, verdict: CommandStatusClass, smscId: string | undefined, failure: () => GenericError): number {
    const { job } = seg;
    job.inFlight--;
    if (verdict === 'ok') {
      this.throttles = 0;
      job.smscIds[seg.index] = smscId ?? '';
      job.remaining--;
      return 0;
    }
    if (verdict === 'retry' || verdict === 'rebind') {
      this.throttles++;
      this.queue.unshift(seg);
      return this.throttles;
    }
    if (!job.failure) job.failure = failure();
    return 0;
  }

  /** No answer for `seg` (timeout, bind lost, generic_nack): send it again first. */
  unanswered(seg: LaneSegment<M>): void {
    seg.job.inFlight--;
    this.queue.unshift(seg);
  }

  /**
   * Whether `job` is done (every segment answered, or failed with none in flight). A done job leaves
   * the book (with its queued segments when it failed); the caller records and settles it.
   */
  finish(job: LaneJob<M>): boolean {
    if (!this.jobs.has(job) || job.inFlight > 0 || (!job.failure && job.remaining > 0)) return false;
    this.forget(job);
    if (job.failure) for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.job === job) this.queue.splice(i, 1);
    return true;
  }

  /** Messages not started leave the book (to go back to JetStream); started ones stay. */
  releaseUnstarted(): LaneJob<M>[] {
    const released: LaneJob<M>[] = [];
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const { job } = this.queue[i]!;
      if (!job.started) {
        this.queue.splice(i, 1);
        if (this.jobs.has(job)) {
          this.forget(job);
          released.push(job);
        }
      }
    }
    return released;
  }

  /** The lane stops: everything leaves; returned are the jobs with nothing in flight (to hand back). */
  releaseAll(): LaneJob<M>[] {
    const idle = [...this.jobs].filter((j) => j.inFlight === 0);
    this.jobs.clear();
    this.byId.clear();
    this.queue.length = 0;
    return idle;
  }

  /** the open job of the message with this id, if any */
  openJob(id: string): LaneJob<M> | undefined {
    return this.byId.get(id);
  }

  private forget(job: LaneJob<M>): void {
    this.jobs.delete(job);
    if (this.byId.get(job.prepared.id) === job) this.byId.delete(job.prepared.id);
  }

  anyStarted(): boolean {
    for (const job of this.jobs) if (job.started) return true;
    return false;
  }

  /** Jobs whose lease was last renewed more than `everyMs` ago; their renewal time becomes `nowMs`. */
  leasesDue(nowMs: number, everyMs: number): LaneJob<M>[] {
    const due: LaneJob<M>[] = [];
    for (const job of this.jobs) {
      if (nowMs - job.lastWorkingMs > everyMs) {
        job.lastWorkingMs = nowMs;
        due.push(job);
      }
    }
    return due;
  }
}
