// Integration config against the reference guide's facts (test/fixtures/reference-facts.json, checked
// against the guide itself in test/reference/guide-facts.test.ts): every default and range, and a
// rejection that names the field and what it accepts.
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_NPI, BIND_TYPES, DEFAULT_MESSAGES_PER_SECOND, DEFAULT_PORT, MAX_MESSAGES_PER_SECOND, STANDARD_PORTS,
} from '../../src/config/integration-schema.js';
import facts from '../fixtures/reference-facts.json' with { type: 'json' };
import { schemas, minimal, rejection, accepted } from './schema-harness.js';

const guide = facts.integration;

describe('the reference lists, as the code has them', () => {
  it('ports: 1776, 2775, 2776, 3550, 3601, 3775, 4200, 7777, 8887, 10000 and 29999; default 2776', () => {
    expect([...STANDARD_PORTS]).toEqual(guide.standardPorts);
    expect(DEFAULT_PORT).toBe(guide.defaultPort);
  });

  it('NPI: 0,1,3,4,6,8,9,10,13,18', () => {
    expect([...ALLOWED_NPI]).toEqual(guide.npi);
  });

  it('messages per second: default 20, maximum 100', () => {
    expect([DEFAULT_MESSAGES_PER_SECOND, MAX_MESSAGES_PER_SECOND]).toEqual([guide.defaultMessagesPerSecond, guide.maxMessagesPerSecond]);
  });

  it('bind types: transceiver (default), transmitter, receiver', () => {
    expect([...BIND_TYPES]).toEqual(guide.bindTypes);
    expect(accepted({}).bindType).toBe(guide.defaultBindType);
  });
});

describe('integration config defaults', () => {
  it('fills every default of the reference', () => {
    expect(accepted({})).toEqual({
      ...minimal,
      smscPort: 2776,
      inboundPlusPrefix: false,
      outboundPlusPrefix: false,
      addressTon: 0,
      addressNpi: 0,
      destinationTon: 0,
      destinationNpi: 0,
      messagesPerSecond: 20,
      bindType: 'transceiver',
      tls: { enabled: true, rejectUnauthorized: true },
    });
  });

  it('PATCH fills no default, so absent fields keep their stored value', () => {
    expect(schemas.patch.parse({})).toEqual({});
    expect(schemas.patch.parse({ messagesPerSecond: 50 })).toEqual({ messagesPerSecond: 50 });
  });
});

describe('smscPort', () => {
  it.each([...STANDARD_PORTS])('accepts %i', (port) => {
    expect(accepted({ smscPort: port }).smscPort).toBe(port);
  });

  it.each([2777, 22, 443, 0, 65535, '2776'])('refuses %j, listing the allowed ports and how to add one', (port) => {
    const message = rejection({ smscPort: port });
    expect(message).toContain('smscPort');
    expect(message).toContain(STANDARD_PORTS.join(', '));
  });

  it('names BYO_EXTRA_PORTS for a port that is merely not approved', () => {
    expect(rejection({ smscPort: 2777 })).toContain('BYO_EXTRA_PORTS');
  });

  it('accepts operator-approved extra ports, and lists them when refusing', () => {
    const opts = { extraPorts: [2777, 5016], allowPlaintext: false };
    expect(accepted({ smscPort: 5016 }, opts).smscPort).toBe(5016);
    expect(rejection({ smscPort: 5017 }, opts)).toContain('2777, 5016');
  });
});

describe('TON and NPI', () => {
  const tonFields = ['addressTon', 'destinationTon'] as const;
  const npiFields = ['addressNpi', 'destinationNpi'] as const;

  for (const field of tonFields) {
    it(`${field} accepts 0–6`, () => {
      for (let v = 0; v <= 6; v++) expect(accepted({ [field]: v })[field]).toBe(v);
    });

    it.each([7, -1, 1.5, '1', null])(`${field} refuses %j, naming the field and 0 to 6`, (v) => {
      const message = rejection({ [field]: v });
      expect(message).toContain(field);
      expect(message).toContain('0 to 6');
    });
  }

  for (const field of npiFields) {
    it(`${field} accepts exactly ${ALLOWED_NPI.join(',')}`, () => {
      for (let v = 0; v <= 20; v++) {
        if ((ALLOWED_NPI as readonly number[]).includes(v)) expect(accepted({ [field]: v })[field]).toBe(v);
        else expect(rejection({ [field]: v })).toContain(`${field} must be one of ${ALLOWED_NPI.join(', ')}`);
      }
    });

    it(`${field} refuses a non-integer, naming the allowed values`, () => {
      expect(rejection({ [field]: '1' })).toContain(`${field} must be one of ${ALLOWED_NPI.join(', ')}`);
    });
  }
});

describe('messagesPerSecond, bindType, plus prefixes, name and address', () => {
  it('accepts 1 to 100 messages per second', () => {
    expect(accepted({ messagesPerSecond: 1 }).messagesPerSecond).toBe(1);
    expect(accepted({ messagesPerSecond: 100 }).messagesPerSecond).toBe(100);
  });

  it.each([0, 101, 1000, 2.5, '20'])('refuses messagesPerSecond %j, naming the field and the maximum 100', (v) => {
    const message = rejection({ messagesPerSecond: v });
    expect(message).toContain('messagesPerSecond');
    expect(message).toContain('100');
  });

  it.each(BIND_TYPES)('accepts bindType %s', (t) => {
    expect(accepted({ bindType: t }).bindType).toBe(t);
  });

  it.each(['both', 'TRANSCEIVER', '', 1])('refuses bindType %j, listing the three types', (t) => {
    expect(rejection({ bindType: t })).toContain('bindType must be one of transceiver, transmitter, receiver');
  });

  it.each(['inboundPlusPrefix', 'outboundPlusPrefix'])('%s takes a boolean only', (field) => {
    expect(accepted({ [field]: true })[field as 'inboundPlusPrefix']).toBe(true);
    const message = rejection({ [field]: 'true' });
    expect(message).toContain(field);
    expect(message).toContain('boolean');
  });

  it('requires a name and a host name or IP address', () => {
    expect(rejection({ name: '   ' })).toContain('name is required');
    expect(rejection({ smscAddress: 'not a host!' })).toContain('smscAddress must be a host name or an IP address');
    expect(accepted({ smscAddress: '192.0.2.10' }).smscAddress).toBe('192.0.2.10');
    expect(accepted({ smscAddress: '2001:db8::1' }).smscAddress).toBe('2001:db8::1');
  });

  it('refuses unknown fields by name', () => {
    expect(rejection({ colour: 'red' })).toContain('unknown field(s): colour');
  });
});

describe('credentials', () => {
  const creds = (systemId: string, password: string) => ({ credentials: { systemId, password } });

  it('accepts systemId up to 15 and password up to 8 characters (SMPP 3.4 C-octet sizes)', () => {
    expect(accepted(creds('s'.repeat(15), 'p'.repeat(8))).credentials).toEqual({ systemId: 's'.repeat(15), password: 'p'.repeat(8) });
  });

  it('refuses a 16-character systemId, naming the field and the limit', () => {
    const message = rejection(creds('s'.repeat(16), 'p'));
    expect(message).toContain('systemId');
    expect(message).toContain('at most 15');
  });

  it('refuses a 9-character password, naming the field and the limit', () => {
    const message = rejection(creds('s', 'p'.repeat(9)));
    expect(message).toContain('password');
    expect(message).toContain('at most 8');
  });

  it('refuses empty and non-printable credentials', () => {
    expect(rejection(creds('', ''))).toMatch(/systemId is required.*password is required/);
    expect(rejection(creds('sys\u0000', 'p'))).toContain('systemId must be printable ASCII');
    expect(rejection(creds('sys', 'pässw'))).toContain('password must be printable ASCII');
  });

  it('may come later: credentials are optional at creation', () => {
    expect(accepted({}).credentials).toBeUndefined();
  });
});

describe('TLS and plaintext', () => {
  it('defaults to TLS that verifies the certificate', () => {
    expect(accepted({}).tls).toEqual({ enabled: true, rejectUnauthorized: true });
    expect(accepted({ tls: { ca: 'PEM', servername: 'smsc.example.com' } }).tls)
      .toEqual({ enabled: true, ca: 'PEM', servername: 'smsc.example.com', rejectUnauthorized: true });
  });

  it.each([false, { enabled: false }])('refuses plaintext (tls: %j) unless the engine allows it', (tls) => {
    const message = rejection({ tls });
    expect(message).toContain('tls');
    expect(message).toContain('BYO_ALLOW_PLAINTEXT=1');
  });

  it.each([false, { enabled: false }])('accepts plaintext (tls: %j) with allowPlaintext', (tls) => {
    expect(accepted({ tls }, { extraPorts: [], allowPlaintext: true }).tls).toEqual({ enabled: false, rejectUnauthorized: true });
  });

  it('refuses unknown TLS options', () => {
    expect(rejection({ tls: { cert: 'x' } })).toContain('cert');
  });
});
