// Commands that talk to NATS directly: `send` publishes on byo.mt (and follows byo.status), `events tail`
// reads the BYO_EVENTS stream. Subjects and stream names come from the NATS adapter's subject map.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, type ConsumerMessages, type JetStreamClient } from '@nats-io/jetstream';
import { STREAMS, subjects } from '../adapters/nats/index.js';
import { RefusedError, parseDuration, type Context } from './context.js';
import { health } from './render.js';
import type { Action } from './program.js';

/** how long `send --follow` waits for the final status by default, in ms */
export const DEFAULT_FOLLOW_TIMEOUT_MS = 60_000;
/** how long connecting to NATS may take, in ms */
const NATS_CONNECT_TIMEOUT_MS = 5_000;
/** how long one pull from a stream waits before asking again, in ms */
const PULL_EXPIRES_MS = 2_000;

async function withNats<T>(ctx: Context, fn: (nc: NatsConnection, js: JetStreamClient) => Promise<T>): Promise<T> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: ctx.natsUrl, timeout: NATS_CONNECT_TIMEOUT_MS, name: 'byo-smpp-cli' });
  } catch (err) {
    throw new RefusedError(`cannot connect to NATS at ${ctx.natsUrl}: ${(err as Error).message} (--nats, NATS_URL)`, 'NATS_UNREACHABLE');
  }
  try {
    return await fn(nc, jetstream(nc));
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/** iterates `messages` until the caller's predicate says stop, the deadline passes, or Ctrl-C */
async function readUntil<T>(ctx: Context, messages: ConsumerMessages, deadlineMs: number | undefined, onMessage: (m: T) => boolean): Promise<'done' | 'timeout' | 'interrupted'> {
  let outcome: 'done' | 'timeout' | 'interrupted' | undefined;
  const stop = (o: typeof outcome) => {
    outcome ??= o;
    messages.stop();
  };
  const timer = deadlineMs === undefined ? undefined : setTimeout(() => stop('timeout'), deadlineMs);
  void ctx.io.interrupted.then(() => stop('interrupted'));
  try {
    for await (const m of messages) {
      if (onMessage(m.json<T>())) {
        stop('done');
        break;
      }
    }
  } finally {
    clearTimeout(timer);
  }
  return outcome ?? 'done';
}

interface Status { id: string; state: string; segments: number; smscMessageIds: string[]; error?: { genericErrorCause?: string; description?: string }; at: string }

export function sendCommand(program: Command, act: Action): void {
  program.command('send').description('publish a message on byo.mt.<org>.<integration>; --follow prints each status until the final one')
    .requiredOption('--org <org>', 'organisation id').requiredOption('--integration <id>', 'integration id')
    .requiredOption('--from <e164>', 'a sender number imported into the integration').requiredOption('--to <e164>', 'the handset')
    .requiredOption('--text <text>', 'the message').option('--id <id>', 'message id (default: a new UUID)')
    .option('--follow', 'wait for and print each status until the final one')
    .option('--timeout <duration>', 'with --follow: give up after this long', '60s')
    .action(act(async (ctx, o) => {
      const id: string = o.id ?? randomUUID();
      const timeoutMs = parseDuration(o.timeout);
      await withNats(ctx, async (_nc, js) => {
        // the status consumer exists before the publish, so no status can be missed
        const statuses = o.follow
          ? await (await js.consumers.get(STREAMS.status, { filter_subjects: subjects.status(o.org, o.integration), deliver_policy: DeliverPolicy.New }))
            .consume({ expires: PULL_EXPIRES_MS })
          : undefined;
        const body = { id, from: o.from, to: o.to, text: o.text };
        const ack = await js.publish(subjects.mt(o.org, o.integration), JSON.stringify(body), { msgID: id });
        ctx.printLine({ id, published: true, stream: ack.stream, seq: ack.seq }, () => `published ${id} on ${subjects.mt(o.org, o.integration)}`);
        if (!statuses) return;
        let final: Status | undefined;
        const outcome = await readUntil<Status>(ctx, statuses, timeoutMs, (s) => {
          if (s.id !== id) return false;
          ctx.printLine(s, () => statusLine(ctx, s));
          if (s.state !== 'submitted') final = s;
          return final !== undefined;
        });
        if (outcome === 'timeout') throw new RefusedError(`no final status for ${id} within ${o.timeout}`, 'FOLLOW_TIMEOUT');
        if (final && final.state !== 'delivered' && final.state !== 'submitted') {
          throw new RefusedError(`${id} ${final.state}: ${final.error?.genericErrorCause ?? ''} ${final.error?.description ?? ''}`.trim(), final.error?.genericErrorCause ?? final.state.toUpperCase());
        }
      });
    }));
}

export function statusLine(ctx: Context, s: Status): string {
  const err = s.error ? ctx.colour('dim', `  ${s.error.genericErrorCause ?? ''} ${s.error.description ?? ''}`.trimEnd()) : '';
  const ids = s.smscMessageIds?.length ? ctx.colour('dim', `  smsc ${s.smscMessageIds.join(',')}`) : '';
  return `${ctx.colour('dim', s.at)}  ${s.id}  ${ctx.colour(health(s.state), s.state.padEnd(9))} segments ${s.segments}${ids}${err}`;
}

interface OperationalEvent { type: string; org: string; integration: string; actor: { kind: string; id: string }; from: string | null; to: string; at: string; detail?: Record<string, unknown> }

export function eventsCommand(program: Command, act: Action): void {
  program.command('events').description('operational events (BYO_EVENTS)').command('tail')
    .description('one readable line per event, from now on (or --since), until Ctrl-C')
    .option('--org <org>', 'only this organisation').option('--integration <id>', 'only this integration')
    .option('--kind <kind>', 'integration, bind, number or subscriber').option('--since <duration>', 'start this far back, e.g. 15m, 2h')
    .option('--no-follow', 'print what the stream holds and exit instead of waiting for more')
    .action(act(async (ctx, o) => {
      const filter = subjects.event(o.org ?? '*', o.integration ?? '*', o.kind ?? '*', '*');
      const since = o.since ? new Date(Date.now() - parseDuration(o.since)) : undefined;
      await withNats(ctx, async (_nc, js) => {
        const consumer = await js.consumers.get(STREAMS.events, since
          ? { filter_subjects: filter, deliver_policy: DeliverPolicy.StartTime, opt_start_time: since.toISOString() }
          : { filter_subjects: filter, deliver_policy: o.follow ? DeliverPolicy.New : DeliverPolicy.All });
        let left = o.follow ? Infinity : (await consumer.info()).num_pending;
        if (left === 0) return;
        const messages = await consumer.consume({ expires: PULL_EXPIRES_MS });
        await readUntil<OperationalEvent>(ctx, messages, undefined, (e) => {
          ctx.printLine(e, () => eventLine(ctx, e));
          return --left <= 0;
        });
      });
    }));
}

export function eventLine(ctx: Context, e: OperationalEvent): string {
  const d = e.detail ?? {};
  const reason = typeof d.reason === 'string' ? ctx.colour('bad', `  ${d.reason}`) : '';
  const from = e.from ? `${e.from} → ` : '';
  return `${ctx.colour('dim', e.at)}  ${e.org}/${e.integration}  ${e.actor.kind} ${e.actor.id}  ${from}${ctx.colour(health(e.to), e.to)}${reason}`;
}
