// The demo's script: create an integration against the simulator, set credentials, import a number,
// activate, send three messages (short, 3-segment GSM, UCS2 emoji) and print each status, then STOP from
// a handset: the opt-out auto-response goes out and a later message is rejected RECIPIENT_OPTED_OUT.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import { STREAMS, subjects } from '../adapters/nats/index.js';
import { DEFAULT_OPT_OUT_MESSAGE } from '../domain/index.js';
import { DEMO_ACCOUNT, type Stack } from './stack.js';

export const DEMO_ORG = 'demo';
export const DEMO_SENDER = '+15550001001';
export const DEMO_HANDSET = '+447700900123';
export const OPTED_OUT_HANDSET = '+447700900456';
/** how long one step may wait for the engine (bind, a status), in ms */
export const DEMO_STEP_TIMEOUT_MS = 30_000;

export const DEMO_MESSAGES = [
  { id: 'demo-short', text: 'Hello from byo-smpp!' },
  { id: 'demo-long', text: `A 3-segment GSM message: ${'The quick brown fox jumps over the lazy dog. '.repeat(8)}`.slice(0, 400) },
  { id: 'demo-emoji', text: 'Emoji go as UCS2 🎉🚀 ✓' },
];

interface Status { id: string; state: string; segments: number; smscMessageIds: string[]; error?: { genericErrorCause?: string; description?: string } }

/** one named step; its error message says what failed */
export type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = DEMO_STEP_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function walkthrough(stack: Stack, step: Step, say: (line: string) => void): Promise<void> {
  const api = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(stack.engineUrl + path, {
      method, signal: AbortSignal.timeout(DEMO_STEP_TIMEOUT_MS),
      headers: { authorization: `Bearer ${stack.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = await res.json().catch(() => undefined) as any;
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status} ${parsed?.error?.code ?? ''}: ${parsed?.error?.message ?? ''}`);
    return parsed;
  };
  const base = `/v1/orgs/${DEMO_ORG}/integrations`;
  const created = await step('create an integration against the simulator', () => api('POST', base, {
    name: 'Demo against the SMSC simulator', smscAddress: '127.0.0.1', smscPort: stack.smsc.port, tls: false, messagesPerSecond: 20,
  }));
  const id = created.id as string;
  say(`  integration ${id} → 127.0.0.1:${stack.smsc.port} (plain SMPP, allowed by BYO_ALLOW_PLAINTEXT=1 and BYO_EXTRA_PORTS=${stack.smsc.port})`);
  await step('set credentials', () => api('PUT', `${base}/${id}/credentials`, DEMO_ACCOUNT));
  await step(`import the sender number ${DEMO_SENDER}`, () => api('POST', `${base}/${id}/numbers`, { type: 'local', senderId: DEMO_SENDER }));
  await step('activate and wait for the binds', async () => {
    await api('POST', `${base}/${id}/activate`);
    const view = await until('integration active', async () => {
      const s = await api('GET', `${base}/${id}/state`);
      return s.state === 'active' ? s : undefined;
    });
    say(`  active: ${view.binds.map((b: { index: number; state: string }) => `bind-${b.index} ${b.state}`).join(', ')}`);
  });

  const nc: NatsConnection = await step('connect to NATS to watch statuses', () => connect({ servers: stack.natsUrl, timeout: 5_000, name: 'byo-smpp-demo' }));
  try {
    const js = jetstream(nc);
    const statuses = new Map<string, Status[]>();
    const consumer = await js.consumers.get(STREAMS.status, { filter_subjects: subjects.status(DEMO_ORG, id), deliver_policy: DeliverPolicy.New });
    const messages: ConsumerMessages = await consumer.consume({ expires: 2_000 });
    void (async () => {
      for await (const m of messages) {
        const s = m.json<Status>();
        statuses.set(s.id, [...(statuses.get(s.id) ?? []), s]);
        const err = s.error ? ` ${s.error.genericErrorCause}: ${s.error.description}` : '';
        say(`  ${s.id.padEnd(14)} ${s.state.padEnd(9)} segments ${s.segments}${s.smscMessageIds.length ? ` smsc ids ${s.smscMessageIds.join(',')}` : ''}${err}`);
      }
    })();
    const final = (msgId: string) => until(`final status of ${msgId}`, () => statuses.get(msgId)?.find((s) => s.state !== 'submitted'));
    const send = (msgId: string, to: string, text: string) =>
      js.publish(subjects.mt(DEMO_ORG, id), JSON.stringify({ id: msgId, from: DEMO_SENDER, to, text }), { msgID: msgId });

    try {
      await step('send three messages: short, 3-segment GSM, UCS2 emoji', async () => {
        for (const m of DEMO_MESSAGES) await send(m.id, DEMO_HANDSET, m.text);
        for (const m of DEMO_MESSAGES) {
          const f = await final(m.id);
          if (f.state !== 'delivered') throw new Error(`${m.id} ended ${f.state}${f.error ? ` (${f.error.genericErrorCause})` : ''}`);
          if (!statuses.get(m.id)!.some((s) => s.state === 'submitted')) throw new Error(`${m.id}: no submitted status before delivered`);
        }
        const segs = DEMO_MESSAGES.map((m) => statuses.get(m.id)!.at(-1)!.segments);
        if (segs[1] !== 3) throw new Error(`the long GSM message went in ${segs[1]} segments, not 3`);
      });

      await step(`STOP from ${OPTED_OUT_HANDSET}: the opt-out auto-response goes out`, async () => {
        say(`  handset ${OPTED_OUT_HANDSET} → ${DEMO_SENDER}: STOP`);
        await stack.smsc.sendMo({ from: OPTED_OUT_HANDSET, to: DEMO_SENDER, text: 'STOP' });
        const reply = await until('auto-response submitted to the handset', () =>
          stack.smsc.submits.find((s) => s.destination_addr === OPTED_OUT_HANDSET.slice(1) && s.short_message.toString('latin1') === DEFAULT_OPT_OUT_MESSAGE));
        say(`  auto-response to ${OPTED_OUT_HANDSET}: "${reply.short_message.toString('latin1')}"`);
      });

      await step('a later message to the opted-out handset is rejected RECIPIENT_OPTED_OUT', async () => {
        await send('demo-after-stop', OPTED_OUT_HANDSET, 'Our weekly offers');
        const f = await final('demo-after-stop');
        if (f.state !== 'rejected' || f.error?.genericErrorCause !== 'RECIPIENT_OPTED_OUT') {
          throw new Error(`expected rejected RECIPIENT_OPTED_OUT, got ${f.state} ${f.error?.genericErrorCause ?? ''}`);
        }
      });
    } finally {
      messages.stop();
    }
  } finally {
    await nc.close().catch(() => undefined);
  }
}
