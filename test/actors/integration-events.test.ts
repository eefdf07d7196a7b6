// IntegrationEvents: the one wire between the supervisor and outbound, inbound and the number fleet.
import { describe, expect, it, vi } from 'vitest';
import { IntegrationEvents, type IntegrationActor } from '../../src/actors/index.js';

const actor = { org: 'acme', id: 'main' } as IntegrationActor;

function bus() {
  const warn = vi.fn();
  return { events: new IntegrationEvents({ warn } as never), warn };
}

describe('IntegrationEvents', () => {
  it('calls every handler of the event, in subscription order, with its arguments', async () => {
    const { events } = bus();
    const seen: string[] = [];
    events.on('changed', (a, change) => void seen.push(`first ${a.id} ${change}`));
    events.on('changed', (a, change) => void seen.push(`second ${a.id} ${change}`));
    events.on('started', () => void seen.push('not this one'));
    await events.emit('changed', actor, 'config');
    expect(seen).toEqual(['first main config', 'second main config']);
  });

  it('waits for asynchronous handlers (a drain before stop, a release before erase)', async () => {
    const { events } = bus();
    let released = false;
    events.on('deleted', async () => {
      await new Promise((r) => setImmediate(r));
      released = true;
    });
    await events.emit('deleted', 'acme', 'main');
    expect(released).toBe(true);
  });

  it('rejects when an asynchronous handler fails, after the others have run', async () => {
    const { events } = bus();
    let other = false;
    events.on('deleted', () => Promise.reject(new Error('numbers not released')));
    events.on('deleted', async () => {
      other = true;
    });
    await expect(events.emit('deleted', 'acme', 'main')).rejects.toThrow('numbers not released');
    expect(other).toBe(true);
  });

  it('logs a handler that throws and still runs the next one', async () => {
    const { events, warn } = bus();
    const seen: string[] = [];
    events.on('started', () => {
      throw new Error('boom');
    });
    events.on('started', () => void seen.push('next'));
    await events.emit('started', actor);
    expect(seen).toEqual(['next']);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('notify() logs a rejected handler instead of leaving an unhandled rejection', async () => {
    const { events, warn } = bus();
    events.on('stopped', () => Promise.reject(new Error('late')));
    events.notify('stopped', actor);
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(1), { timeout: 2_000 });
  });
});
