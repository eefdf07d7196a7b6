// Spreads submits over an integration's binds: the next writable session after the last one used.
import type { SmppSession } from '../../adapters/smpp/types.js';

export function nextWritable(sessions: readonly (SmppSession | undefined)[], start: number): { session: SmppSession; next: number } | undefined {
  for (let i = 0; i < sessions.length; i++) {
    const at = (start + i) % sessions.length;
    const s = sessions[at];
    if (s?.writable) return { session: s, next: (at + 1) % sessions.length };
  }
  return undefined;
}
