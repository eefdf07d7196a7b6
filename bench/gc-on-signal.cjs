/* global process */
// Preloaded into the engine by bench/idle-scale.ts (NODE_OPTIONS="--expose-gc --require <this file>"):
// SIGUSR2 runs a full GC, so idle memory is read without the not-yet-collected garbage of the creation burst.
process.on('SIGUSR2', () => {
  globalThis.gc();
  globalThis.gc();
});
