// `npm run demo`: start NATS, the simulator and the engine, run the walk-through, print the console URL
// and how to sign in, and stay up until Ctrl-C. `--once` exits after the walk-through: 0 when every
// step succeeded, 1 naming the step that failed.
import { startStack, type Stack } from './stack.js';
import { walkthrough, type Step } from './walkthrough.js';

export interface DemoIo {
  out: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** resolves on Ctrl-C */
  interrupted: Promise<void>;
}

export async function runDemo(args: readonly string[], io: DemoIo): Promise<number> {
  const once = args.includes('--once');
  const unknown = args.filter((a) => a !== '--once');
  if (unknown.length) {
    io.out(`unknown argument(s): ${unknown.join(' ')} (usage: npm run demo [-- --once])`);
    return 2;
  }
  const started = Date.now();
  let current = 'start';
  let n = 0;
  const announce = (name: string) => {
    current = name;
    io.out(`[${++n}] ${name}`);
  };
  const step: Step = async (name, fn) => {
    announce(name);
    return fn();
  };
  let stack: Stack | undefined;
  try {
    stack = await startStack(once ? { BYO_HTTP: '127.0.0.1:0', ...io.env } : io.env, announce);
    io.out(`  NATS ${stack.natsUrl} (${stack.natsEmbedded ? 'a nats-server child started for the demo' : 'NATS_URL'}); engine ${stack.engineUrl}; engine log ${stack.engineLog}`);
    io.out(`  SMSC simulator on 127.0.0.1:${stack.smsc.port} (plain)`);
    await walkthrough(stack, step, io.out);
    io.out(`\nevery step succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    io.out(`console: ${stack.engineUrl}/console — sign in with the API token in ${stack.dataDir}/api-token`);
    io.out(`CLI:     BYO_URL=${stack.engineUrl} BYO_DATA_DIR=${stack.dataDir} NATS_URL=${stack.natsUrl} npx byo-smpp state`);
    if (!once) {
      io.out('running until Ctrl-C');
      await io.interrupted;
    }
    return 0;
  } catch (err) {
    io.out(`\ndemo failed at step [${n}] ${current}: ${err instanceof Error ? err.message : String(err)}`);
    if (stack) io.out(`engine log: ${stack.engineLog} (removed on exit)`);
    return 1;
  } finally {
    io.out('stopping: engine, simulator, NATS');
    await stack?.stop();
  }
}
