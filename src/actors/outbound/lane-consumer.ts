// The durable JetStream consumer an outbound lane runs while its machine is `consuming`: retried
// when it cannot start, parked while the integration is idle (see mt-parking.ts) and woken when a
// message may be there, and stopped with a promise that settles only once nats-server has dropped
// its pull inbox (the lane hands messages back after that: see Lane.release).
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import {
  consumeFrom, openMtConsumer, parkWhenIdle, type LostPulls, type MtConsumerOptions, type NatsHandle, type ParkingLot,
} from '../../adapters/nats/index.js';
import type { EngineConfig } from '../../config/index.js';

export interface LaneConsumerDeps {
  nats: NatsHandle;
  engine: Readonly<EngineConfig>;
  /** re-pulls what nats-server < 2.9.16 dropped without a 408 (absent on newer servers) */
  lostPulls?: LostPulls | undefined;
  /** parks idle consumers (absent: a pull is always open) */
  parking?: ParkingLot | undefined;
  log: Logger;
}

export interface LaneConsumerHandlers {
  /** must not throw: it runs inside the client's message dispatch */
  onMessage: (m: JsMsg) => void;
  onLostPull: (messages: number) => void;
  /** the lane holds no message: its consumer may park */
  holdsNothing: () => boolean;
}

/** Starts consuming byo.mt.<org>.<integration>; the returned stop settles once the server saw it. */
export function startLaneConsumer(d: LaneConsumerDeps, org: string, integration: string, h: LaneConsumerHandlers): () => Promise<void> {
  let stopped = false;
  let consumer: Consumer | undefined;
  let current: Promise<ConsumerMessages | undefined> = Promise.resolve(undefined);
  let retry: NodeJS.Timeout | undefined;
  let unpark: (() => void) | undefined;
  const { limits, timers } = d.engine;
  const opts: MtConsumerOptions = {
    ackWaitMs: limits.mtAckWaitMs, maxInFlight: limits.maxInFlightMessagesPerIntegration, pullExpiresMs: timers.mtPullExpiresMs,
    lostPulls: d.lostPulls && { watchdog: d.lostPulls, onLost: h.onLostPull },
  };
  const park = (messages: ConsumerMessages, parking: ParkingLot): void => {
    if (stopped) return; // stop() stops `messages`
    messages.stop();
    current = Promise.resolve(undefined);
    unpark = parking.park(org, integration, (why) => {
      unpark = undefined;
      d.log.debug({ why }, 'parked MT consumer woken');
      if (!stopped) start();
    });
  };
  const start = (): void => {
    current = (async () => {
      consumer ??= await openMtConsumer(d.nats, org, integration, opts);
      const messages = await consumeFrom(consumer, opts, h.onMessage, (err) => d.log.warn({ err }, 'MT consumer ended'));
      const parking = d.parking;
      if (parking) parkWhenIdle(messages, timers.mtPullExpiresMs, h.holdsNothing, () => park(messages, parking));
      return messages;
    })().catch((err: unknown) => {
      consumer = undefined; // created again on the retry (it may have been deleted)
      if (stopped) return undefined;
      d.log.error({ err }, 'cannot start MT consumer; retrying');
      retry = setTimeout(start, limits.requeueDelayMs);
      retry.unref();
      return undefined;
    });
  };
  start();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    unpark?.();
    // stopped while being set up: it stops as soon as it exists
    const messages = await current;
    messages?.stop();
    // the UNSUB goes out before the flush's PING: its PONG says nats-server has dropped the inbox's
    // interest, and it sends nothing more to a pull whose inbox has none
    await d.nats.nc.flush().catch(() => undefined);
  };
}
