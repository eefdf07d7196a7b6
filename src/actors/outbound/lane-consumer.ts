// The durable JetStream consumer an outbound lane runs while its machine is `consuming`: retried
// when it cannot start, and stopped with a promise that settles only once nats-server has dropped
// its pull inbox (the lane hands messages back after that: see Lane.release).
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { consumeMt, type LostPulls, type NatsHandle } from '../../adapters/nats/index.js';
import type { EngineConfig } from '../../config/index.js';

export interface LaneConsumerDeps {
  nats: NatsHandle;
  engine: Readonly<EngineConfig>;
  /** re-pulls what nats-server < 2.9.16 dropped without a 408 (absent on newer servers) */
  lostPulls?: LostPulls | undefined;
  log: Logger;
}

export interface LaneConsumerHandlers {
  /** must not throw: it runs inside the client's message dispatch */
  onMessage: (m: JsMsg) => void;
  onLostPull: (messages: number) => void;
}

/** Starts consuming byo.mt.<org>.<integration>; the returned stop settles once the server saw it. */
export function startLaneConsumer(d: LaneConsumerDeps, org: string, integration: string, h: LaneConsumerHandlers): () => Promise<void> {
  let stopped = false;
  let started: Promise<ConsumerMessages | undefined> = Promise.resolve(undefined);
  let retry: NodeJS.Timeout | undefined;
  const { limits, timers } = d.engine;
  const start = (): void => {
    started = consumeMt(d.nats, org, integration,
      {
        ackWaitMs: limits.mtAckWaitMs, maxInFlight: limits.maxInFlightMessagesPerIntegration, pullExpiresMs: timers.mtPullExpiresMs,
        lostPulls: d.lostPulls && { watchdog: d.lostPulls, onLost: h.onLostPull },
      },
      h.onMessage, (err) => d.log.warn({ err }, 'MT consumer ended'))
      .catch((err: unknown) => {
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
    // stopped while being set up: it stops as soon as it exists
    const messages = await started;
    messages?.stop();
    // the UNSUB goes out before the flush's PING: its PONG says nats-server has dropped the inbox's
    // interest, and it sends nothing more to a pull whose inbox has none
    await d.nats.nc.flush().catch(() => undefined);
  };
}
