// A live session (real TCP, fake SMSC) fed damaged and random PDUs between valid traffic keeps
// answering: after every piece of garbage a submit_sm round-trips, every garbage request gets one
// answer (a response or generic_nack) or is handed on, and the session never closes. The garbage
// keeps its framing (command_length true, within the maximum): a lost framing closes the session
// by design (test/adapters/smpp/session-inbound.test.ts).
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_ID, type SmppSession } from '../../src/adapters/smpp/index.js';
import { startFakeSmsc, type FakeSmsc } from '../helpers/fake-smsc.js';
import { openBound, sessionOptions, submitSm } from '../adapters/smpp/session-harness.js';
import { mutatedPdu, randomBodyPdu } from './pdu-inputs.js';

const ROUNDS = 150;
const MAX_PDU = 65_536;

let smsc: FakeSmsc | undefined;
let session: SmppSession | undefined;
afterEach(async () => {
  session?.close('test over');
  await smsc?.close();
});

const keepsFraming = (b: Buffer): boolean => b.length >= 16 && b.length <= MAX_PDU && b.readUInt32BE(0) === b.length
  // an unbind from the SMSC ends the session on purpose; a bind or outbind from it is answered and ignored
  && b.readUInt32BE(4) !== COMMAND_ID.unbind;

describe('live session fed garbage between valid PDUs', () => {
  it(`answers a submit_sm after each of ${ROUNDS} damaged or random PDUs and never closes`, async () => {
    const garbage = fc.sample(fc.oneof(mutatedPdu, randomBodyPdu).filter(keepsFraming), { seed: 4242, numRuns: ROUNDS });
    expect(garbage).toHaveLength(ROUNDS);
    smsc = await startFakeSmsc();
    const s = await openBound(sessionOptions(smsc.port, { maxPduLength: MAX_PDU }));
    session = s.session;
    for (const [i, g] of garbage.entries()) {
      smsc.sendRaw(g);
      const r = await s.session.submit(submitSm(`after garbage ${i}`), 2_000);
      expect(r.commandStatus, `submit after garbage #${i} (${g.subarray(0, 16).toString('hex')})`).toBe(0);
    }
    const codecErrors = s.events.filter((e) => e.type === 'smpp.codec_error');
    expect(codecErrors.every((e) => e.type === 'smpp.codec_error' && e.recoverable)).toBe(true);
    expect(codecErrors.length).toBeGreaterThan(0);
    expect(s.events.some((e) => e.type === 'smpp.closed')).toBe(false);
    await smsc.waitFor(() => smsc!.genericNacksReceived.length === codecErrors.length, { timeoutMs: 3_000, what: 'one generic_nack per codec error' });
  });
});
