// Process entry: load settings, start the engine, drain gracefully on SIGTERM/SIGINT.
import pino from 'pino';
import { loadEngineConfig, ConfigError, LOG_REDACT_PATHS } from './config/index.js';
import { startEngine } from './engine.js';
import { startupBanner } from './startup-banner.js';
import { DEFAULT_NATS_URL } from './adapters/nats/index.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadEngineConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } });
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  const engine = await startEngine(config, logger);
  process.stderr.write(startupBanner({
    address: engine.address, tokenFile: engine.tokenFile, localNats: engine.nats.localServer,
    natsUrl: config.natsUrl ?? DEFAULT_NATS_URL, dataDir: config.dataDir,
  }));
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1);
    logger.info({ signal }, 'shutting down: unbinding and draining');
    engine.stop().then(() => process.exit(0), (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`byo-smpp failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
