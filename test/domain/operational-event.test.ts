// The one builder of operational events (ARCHITECTURE.md §3 payload) and the command_status names.
import { describe, expect, it } from 'vitest';
import { COMMAND_STATUS, commandStatusName, eventActorId, operationalEvent } from '../../src/domain/index.js';

describe('operationalEvent', () => {
  it('fills the contract: type kind.name, to = name, ISO time, empty detail by default', () => {
    const e = operationalEvent({
      kind: 'bind', actorId: eventActorId.bind('acme', 'main', 'bind-0'), org: 'acme', integration: 'main',
      name: 'bound', from: 'binding', at: new Date('2026-01-02T03:04:05.678Z'),
    });
    expect(e).toEqual({
      type: 'bind.bound', actor: { kind: 'bind', id: 'acme.main.bind-0' }, org: 'acme', integration: 'main',
      from: 'binding', to: 'bound', at: '2026-01-02T03:04:05.678Z', detail: {},
    });
  });

  it('names each kind of actor as the contract does', () => {
    expect(eventActorId.integration('acme', 'main')).toBe('acme.main');
    expect(eventActorId.number('+14155552671')).toBe('+14155552671');
    expect(eventActorId.subscriber('+14155552671', '+14155550000')).toBe('+14155552671:+14155550000');
  });
});

describe('command_status names', () => {
  it('gives each code one name, and a vendor code its hex form', () => {
    const codes = Object.values(COMMAND_STATUS);
    expect(new Set(codes).size).toBe(codes.length);
    expect(commandStatusName(0x58)).toBe('ESME_RTHROTTLED');
    expect(commandStatusName(0x64)).toBe('ESME_RX_T_APPN');
    expect(commandStatusName(0x45a)).toBe('0x0000045a');
  });
});
