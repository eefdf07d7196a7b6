// Reads stored messages of a limits stream (BYO_STATUS, BYO_EVENTS) with an ordered consumer: no
// durable state on the server, gone when the read ends. Used for history (event replay, message
// trace), never on the message path.
import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';

export interface StoredMessage {
  seq: number;
  /** JSON-decoded payload; undefined when the payload is not JSON */
  json: unknown;
}

export interface StreamReadOptions {
  /** first message time to read (ISO 8601); from the start of the stream when absent */
  startTime?: string;
  /** stop after this many messages */
  maxMessages: number;
  /** how long one fetch waits for the server */
  fetchExpiresMs: number;
  /** return false to stop early */
  onMessage(m: StoredMessage): boolean | void;
}

const FETCH_BATCH = 256;

function decode(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data)) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads what `filterSubject` has in `stream` (from `startTime`) until nothing is pending, the callback stops it or the cap is hit. */
export async function readStoredMessages(js: JetStreamClient, stream: string, filterSubject: string, opts: StreamReadOptions): Promise<number> {
  const consumer = await js.consumers.get(stream, {
    filter_subjects: filterSubject, // a string: nats-server 2.9 knows only the single filter_subject
    ...(opts.startTime ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: opts.startTime } : { deliver_policy: DeliverPolicy.All }),
  });
  let read = 0;
  try {
    if ((await consumer.info(true)).num_pending === 0) return 0;
    for (;;) {
      const batch = await consumer.fetch({ max_messages: Math.min(FETCH_BATCH, opts.maxMessages - read), expires: opts.fetchExpiresMs });
      let got = 0;
      for await (const m of batch) {
        got++;
        read++;
        if (opts.onMessage({ seq: m.seq, json: decode(m.data) }) === false) return read;
        if (m.info.pending === 0 || read >= opts.maxMessages) return read;
      }
      if (got === 0) return read;
    }
  } finally {
    await consumer.delete().catch(() => false);
  }
}
