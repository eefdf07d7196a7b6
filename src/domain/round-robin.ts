// Spreads submits over an integration's binds: the next writable session after the last one used.
export function nextWritable<S extends { readonly writable: boolean }>(sessions: readonly (S | undefined)[], start: number): { session: S; next: number } | undefined {
  for (let i = 0; i < sessions.length; i++) {
    const at = (start + i) % sessions.length;
    const s = sessions[at];
    if (s?.writable) return { session: s, next: (at + 1) % sessions.length };
  }
  return undefined;
}
