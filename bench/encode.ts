// Micro-benchmark of the per-message domain work on the outbound hot path: charset choice over the
// default preference list, then segmentation. Run: npx tsx bench/encode.ts
import { DEFAULT_ADVANCED_CONFIG } from '../src/config/advanced-defaults.js';
import { chooseEncoding } from '../src/domain/charsets.js';
import { segmentMessage } from '../src/domain/segments.js';

const charsets = DEFAULT_ADVANCED_CONFIG.charsets;

const samples: Array<{ name: string; text: string }> = [
  { name: '160-char GSM (plain ASCII, fast path)', text: 'Your code is 123456. '.repeat(8).slice(0, 160) },
  { name: '160-char GSM (with £ and € escapes)', text: 'Price £5 or 6€ {ok} @home '.repeat(7).slice(0, 150) },
  { name: '70-char UCS2 (Cyrillic + emoji)', text: 'Привет мир 😀 '.repeat(6).slice(0, 70) },
  { name: '459-char GSM (3 parts)', text: 'Lorem ipsum dolor sit amet. '.repeat(17).slice(0, 459) },
];

const ITERATIONS = 200_000;

for (const { name, text } of samples) {
  let parts = 0;
  const run = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const choice = chooseEncoding(text, charsets);
      if (!choice) throw new Error(`no charset for ${name}`);
      const result = segmentMessage(text, choice, { reference: i });
      if (!result.ok) throw new Error(result.message);
      parts = result.segments.length;
    }
  };
  run(ITERATIONS / 10); // warm up the JIT
  const start = process.hrtime.bigint();
  run(ITERATIONS);
  const micros = Number(process.hrtime.bigint() - start) / 1000 / ITERATIONS;
  const choice = chooseEncoding(text, charsets);
  console.log(`${name}: ${micros.toFixed(3)} µs/message (${choice?.charset}, ${choice?.units} units, ${parts} part(s))`);
}
