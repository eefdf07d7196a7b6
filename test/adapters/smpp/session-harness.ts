// Opens a real session against a fake SMSC and records its events; every wait is bounded.
import {
  createSmppSession, type BindRequest, type ChangeCounter, type SessionEvent, type SessionOptions, type SmppSession, type SubmitSm,
} from '../../../src/adapters/smpp/index.js';

export type EventOf<T extends SessionEvent['type']> = Extract<SessionEvent, { type: T }>;

export interface SessionUnderTest {
  session: SmppSession;
  events: SessionEvent[];
  /** the first event of this type not yet consumed by an earlier next() of the same type */
  next<T extends SessionEvent['type']>(type: T, timeoutMs?: number): Promise<EventOf<T>>;
}

export function sessionOptions(port: number, overrides: Partial<SessionOptions> = {}): SessionOptions {
  return {
    host: '127.0.0.1',
    port,
    tls: { enabled: false, rejectUnauthorized: true },
    connectTimeoutMs: 2_000,
    windowSize: 10,
    maxPduLength: 65_536,
    ...overrides,
  };
}

export function openSession(opts: SessionOptions, windowChanges?: ChangeCounter): SessionUnderTest {
  const events: SessionEvent[] = [];
  const consumed = new Map<string, number>();
  const waiters = new Set<() => void>();
  const session = createSmppSession(opts, (e) => {
    events.push(e);
    for (const w of [...waiters]) w();
  }, windowChanges);
  const next = <T extends SessionEvent['type']>(type: T, timeoutMs = 3_000): Promise<EventOf<T>> =>
    new Promise((resolve, reject) => {
      const find = (): boolean => {
        const from = consumed.get(type) ?? 0;
        const i = events.findIndex((e, idx) => idx >= from && e.type === type);
        if (i < 0) return false;
        consumed.set(type, i + 1);
        resolve(events[i] as EventOf<T>);
        return true;
      };
      if (find()) return;
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no ${type} event within ${timeoutMs} ms; saw ${events.map((e) => e.type).join(', ') || 'nothing'}`));
      }, timeoutMs);
      const waiter = () => {
        if (find()) {
          clearTimeout(timer);
          waiters.delete(waiter);
        }
      };
      waiters.add(waiter);
    });
  session.connect();
  return { session, events, next };
}

export const BIND: BindRequest = {
  bindType: 'transceiver',
  systemId: 'acme',
  password: 'secret1',
  systemType: 'byo',
  addrTon: 1,
  addrNpi: 1,
  addressRange: '',
};

/** connect + bind, asserting both worked */
export async function openBound(opts: SessionOptions, bind: BindRequest = BIND, windowChanges?: ChangeCounter): Promise<SessionUnderTest> {
  const s = openSession(opts, windowChanges);
  await s.next('smpp.connected');
  const resp = await s.session.bind(bind, 2_000);
  if (resp.command_status !== 0) throw new Error(`bind failed with status ${resp.command_status}`);
  return s;
}

export const submitSm = (text = 'hello', overrides: Partial<SubmitSm> = {}): SubmitSm => ({
  source_addr_ton: 1,
  source_addr_npi: 1,
  source_addr: '15551230000',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  destination_addr: '15557650000',
  esm_class: 0,
  registered_delivery: 1,
  data_coding: 0,
  short_message: Buffer.from(text, 'latin1'),
  ...overrides,
});
