// Process entry of `npm run demo` (tsx src/demo/main.ts [--once]).
import { runDemo } from './run.js';

const interrupted = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
const code = await runDemo(process.argv.slice(2), { out: (line) => process.stdout.write(line + '\n'), env: process.env, interrupted });
process.exit(code);
