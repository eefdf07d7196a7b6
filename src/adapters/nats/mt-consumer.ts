// The durable JetStream consumer that feeds one integration's outbound lane from BYO_MT. Created
// idempotently; consuming with consume() (pull, many in flight) rather than a fetch() loop.
// `onMessage` must not throw: it runs inside the client's message dispatch.
import { AckPolicy, DeliverPolicy, type Consumer, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsHandle } from './connection.js';
import { STREAMS, consumers, subjects } from './subjects.js';
import type { LostPulls } from './lost-pulls.js';

export interface MtConsumerOptions {
  /** JetStream lease of a message being worked on (renewed with working()) */
  ackWaitMs: number;
  /** messages delivered and not yet acknowledged */
  maxInFlight: number;
  /** lifetime of one pull request; nats.js re-pulls after two missed heartbeats (half of it each) */
  pullExpiresMs: number;
  /** set where nats-server may drop an expired pull without its 408 (see lost-pulls.ts) */
  lostPulls?: { watchdog: LostPulls; onLost: (messages: number) => void };
}

const nanos = (ms: number) => ms * 1_000_000;

/** Creates (idempotently) and looks up the durable consumer of one integration's MT subject. */
export async function openMtConsumer(nats: NatsHandle, org: string, integration: string, opts: Pick<MtConsumerOptions, 'ackWaitMs' | 'maxInFlight'>): Promise<Consumer> {
  const name = consumers.mt(org, integration);
  await nats.jsm.consumers.add(STREAMS.mt, {
    durable_name: name, filter_subject: subjects.mt(org, integration), ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All, ack_wait: nanos(opts.ackWaitMs), max_ack_pending: opts.maxInFlight, max_deliver: -1,
  });
  return nats.js.consumers.get(STREAMS.mt, name);
}

/** Starts consuming; `onMessage` runs for each message until the returned handle is stopped. */
export async function consumeMt(
  nats: NatsHandle, org: string, integration: string, opts: MtConsumerOptions,
  onMessage: (m: JsMsg) => void, onEnd: (err: unknown) => void,
): Promise<ConsumerMessages> {
  return consumeFrom(await openMtConsumer(nats, org, integration, opts), opts, onMessage, onEnd);
}

/** Consumes from a consumer already opened (a parked lane waking up needs no JetStream API round trip). */
export async function consumeFrom(consumer: Consumer, opts: MtConsumerOptions, onMessage: (m: JsMsg) => void, onEnd: (err: unknown) => void): Promise<ConsumerMessages> {
  // a callback rather than `for await`: no promise and microtask per message on the hot path
  // the pull lifetime (BYO_MT_PULL_EXPIRES_MS) trades idle cost against one recovery: after a nats-server
  // restart the pull in flight is gone. nats.js pulls again when it reconnects, but if that first try
  // fails (JetStream still recovering) it tries again, or its heartbeat monitor notices, only after about
  // one pull lifetime. An idle integration parks after one lifetime without a message (mt-parking.ts).
  const messages = await consumer.consume({ max_messages: Math.min(512, opts.maxInFlight), expires: opts.pullExpiresMs, callback: onMessage });
  opts.lostPulls?.watchdog.watch(messages, opts.pullExpiresMs, opts.lostPulls.onLost);
  void messages.closed().then((err) => {
    if (err) onEnd(err);
  }, onEnd);
  return messages;
}
