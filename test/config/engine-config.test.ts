// Engine settings from the environment: defaults a real SMSC accepts, one override per setting named
// with its unit, and a start-up refusal that names the variable to fix.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_NAMES, limitsSchema, loadEngineConfig, timersSchema, type Limits, type Timers } from '../../src/config/engine-config.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Process-level variables read by envSchema (not exported): kept here so the docs test covers them too. */
const PROCESS_ENV_NAMES = [
  'NATS_URL', 'BYO_HTTP', 'BYO_MASTER_KEY', 'BYO_API_TOKEN', 'BYO_INSTANCE_ID', 'BYO_DATA_DIR', 'LOG_LEVEL',
  'BYO_ALLOW_PLAINTEXT', 'BYO_EXTRA_PORTS', 'BYO_EGRESS_CIDRS',
] as const;

const DEFAULT_TIMERS: Timers = {
  bindWindowMs: 15 * MINUTE, // the reference's "15-minute wait time for the bind to be tested and established"
  bindStaggerMs: 1_000,
  connectTimeoutMs: 10_000,
  bindResponseTimeoutMs: 10_000,
  enquireLinkIntervalMs: 30_000,
  enquireLinkTimeoutMs: 10_000,
  responseTimeoutMs: 10_000,
  unbindTimeoutMs: 5_000,
  backoffInitialMs: 1_000,
  backoffMaxMs: MINUTE,
  authBackoffInitialMs: 30_000,
  authBackoffMaxMs: 15 * MINUTE,
  deactivateTimeoutMs: 10_000,
  ownerRenewMs: 1_000,
  ownerClaimTtlMs: 7_000,
  deleteWaitMs: 10_000,
  jetStreamAckTimeoutMs: 5_000,
  mtPullExpiresMs: 15_000,
  streamFetchExpiresMs: 5_000,
  mtPullLostGraceMs: 250,
  mtParkedCheckMs: 10_000,
  actorTimerGridMs: 1_000,
  moReassemblyTimeoutMs: 5 * MINUTE,
  subscriberIdleMs: MINUTE,
  unroutableSweepMs: MINUTE,
  optOutConfirmIntervalMs: 24 * HOUR,
  ownerFenceMs: 5_000,
  bindFailureLogIntervalMs: MINUTE,
  consoleSessionTtlMs: 12 * HOUR,
  numbersViewWaitMs: 2_000,
  traceLookbackMs: 24 * HOUR,
  sseHeartbeatMs: 15_000,
  stateSnapshotDebounceMs: 200,
  eventLoopMonitorResolutionMs: 100,
};

const DEFAULT_LIMITS: Limits = {
  windowSize: 10,
  trackingTtlMs: 72 * HOUR,
  requeueDelayMs: 1_000,
  throttleBackoffMs: 1_000,
  throttleBackoffMaxMs: 30_000,
  maxPduLength: 65_536,
  mtAckWaitMs: MINUTE,
  maxInFlightMessagesPerIntegration: 1_000,
  receiptHoldMs: 3_000,
  deliverSmRetryMaxMs: 20_000,
  deliverSmRetryDelayMs: 250,
  receiptUnmatchedGiveUpMs: 10 * MINUTE,
  jetStreamReplicas: undefined,
  ownerHandoffsPerRenew: 5,
  stateSnapshotChunkBytes: 262_144,
  subscriberHistoryLimit: 50,
  rateLimitOverrideMps: undefined,
  bindAttemptsPerSecond: 20,
  actorTimersPerTurn: 50,
  eventReplayScanMax: 10_000,
  traceScanMax: 50_000,
};

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadEngineConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadEngineConfig: defaults', () => {
  const config = loadEngineConfig({});

  it('uses the process defaults of the public contract', () => {
    expect(config.natsUrl).toBeUndefined();
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.masterKey).toBeUndefined();
    expect(config.apiToken).toBeUndefined(); // no default credentials: the engine generates one
    expect(config.instanceId).toBeUndefined();
    expect(config.dataDir).toBe('.data');
    expect(config.logLevel).toBe('info');
    expect(config.allowPlaintext).toBe(false);
    expect(config.extraPorts).toEqual([]);
    expect(config.egressCidrs).toEqual([]);
  });

  it('has the protocol timer defaults (bind window 15 minutes, enquire_link every 30 s, ...)', () => {
    expect({ ...config.timers }).toEqual(DEFAULT_TIMERS);
  });

  it('has the limit defaults', () => {
    expect({ ...config.limits }).toEqual(DEFAULT_LIMITS);
  });

  it('covers every timer and limit in the tables above (a new setting needs a default here)', () => {
    expect(Object.keys(timersSchema.shape).sort()).toEqual(Object.keys(DEFAULT_TIMERS).sort());
    expect(Object.keys(limitsSchema.shape).sort()).toEqual(Object.keys(DEFAULT_LIMITS).sort());
  });

  it('is frozen: settings are validated once and never change underneath', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.timers)).toBe(true);
    expect(Object.isFrozen(config.limits)).toBe(true);
  });
});

describe('loadEngineConfig: overrides', () => {
  const overridable = [
    ...Object.entries(ENV_NAMES.timers).map(([key, env]) => ({ group: 'timers' as const, key, env })),
    ...Object.entries(ENV_NAMES.limits).map(([key, env]) => ({ group: 'limits' as const, key, env })),
  ];

  it('gives every timer and limit its own variable, named with a BYO_ prefix', () => {
    const names = overridable.map((o) => o.env);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^BYO_[A-Z0-9_]+$/);
    // names say the unit: every millisecond setting ends in _MS
    for (const o of overridable) if (o.key.endsWith('Ms')) expect(o.env).toMatch(/_MS$/);
  });

  // pull and fetch lifetimes: nats.js refuses less than a second
  const AT_LEAST_1000 = ['BYO_MT_PULL_EXPIRES_MS', 'BYO_STREAM_FETCH_EXPIRES_MS'];
  it.each(overridable)('$env overrides $key', ({ group, key, env }) => {
    // 3: inside every setting's range (JetStream replicas stop at 5); the claim TTL must stay ≥ 2 × renew
    // and the fence between renew and TTL
    const config = loadEngineConfig({ ...(['BYO_OWNER_CLAIM_TTL_MS', 'BYO_OWNER_FENCE_MS'].includes(env) ? { BYO_OWNER_RENEW_MS: '1' } : {}), [env]: AT_LEAST_1000.includes(env) ? '3000' : '3' });
    expect((config[group] as Record<string, unknown>)[key]).toBe(AT_LEAST_1000.includes(env) ? 3000 : 3);
  });

  it('refuses an owner claim TTL shorter than two renew intervals, naming both variables', () => {
    expect(() => loadEngineConfig({ BYO_OWNER_RENEW_MS: '10000', BYO_OWNER_CLAIM_TTL_MS: '15000' }))
      .toThrow(/BYO_OWNER_CLAIM_TTL_MS \(15000\) must be at least twice BYO_OWNER_RENEW_MS \(10000\)/);
    expect(loadEngineConfig({ BYO_OWNER_RENEW_MS: '1000', BYO_OWNER_CLAIM_TTL_MS: '2000' }).timers.ownerClaimTtlMs).toBe(2000);
  });

  it('puts the owner fence between one renewal and the claim TTL (default: TTL - 2 s, at least 2/3 of it), naming the variables', () => {
    expect(loadEngineConfig({ BYO_OWNER_RENEW_MS: '500', BYO_OWNER_CLAIM_TTL_MS: '3000' }).timers.ownerFenceMs).toBe(2000);
    expect(loadEngineConfig({ BYO_OWNER_CLAIM_TTL_MS: '30000' }).timers.ownerFenceMs).toBe(28_000);
    expect(() => loadEngineConfig({ BYO_OWNER_FENCE_MS: '7000' }))
      .toThrow(/BYO_OWNER_FENCE_MS \(7000\) must be more than BYO_OWNER_RENEW_MS \(1000\) and less than BYO_OWNER_CLAIM_TTL_MS \(7000\)/);
    expect(() => loadEngineConfig({ BYO_OWNER_FENCE_MS: '1000' })).toThrow(/BYO_OWNER_FENCE_MS \(1000\)/);
  });

  it('treats an empty variable as unset', () => {
    const config = loadEngineConfig({ BYO_BIND_WINDOW_MS: '', BYO_WINDOW_SIZE: '', BYO_RATE_LIMIT_OVERRIDE_MPS: '' });
    expect(config.timers.bindWindowMs).toBe(DEFAULT_TIMERS.bindWindowMs);
    expect(config.limits.windowSize).toBe(DEFAULT_LIMITS.windowSize);
    expect(config.limits.rateLimitOverrideMps).toBeUndefined();
  });

  it('treats an empty process variable as unset, like an empty timer (env files and templates leave them empty)', () => {
    const refused = PROCESS_ENV_NAMES.filter((name) => {
      try {
        const config = loadEngineConfig({ [name]: '' });
        return JSON.stringify(config) !== JSON.stringify(loadEngineConfig({}));
      } catch {
        return true;
      }
    });
    expect(refused).toEqual([]);
  });

  it('reads the process settings', () => {
    const config = loadEngineConfig({
      NATS_URL: 'nats://a:4222,nats://b:4222', BYO_MASTER_KEY: 'k', BYO_API_TOKEN: 'x'.repeat(16), BYO_INSTANCE_ID: 'engine-1_a',
      BYO_DATA_DIR: '/var/lib/byo-smpp', LOG_LEVEL: 'debug', BYO_EGRESS_CIDRS: '203.0.113.0/24, 198.51.100.7/32',
    });
    expect(config.natsUrl).toBe('nats://a:4222,nats://b:4222');
    expect(config.masterKey).toBe('k');
    expect(config.apiToken).toBe('x'.repeat(16));
    expect(config.instanceId).toBe('engine-1_a');
    expect(config.dataDir).toBe('/var/lib/byo-smpp');
    expect(config.logLevel).toBe('debug');
    expect(config.egressCidrs).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
  });

  it.each([
    ['1', true], ['true', true], ['0', false], ['false', false], ['', false],
  ])('BYO_ALLOW_PLAINTEXT=%j is %s', (value, expected) => {
    expect(loadEngineConfig({ BYO_ALLOW_PLAINTEXT: value }).allowPlaintext).toBe(expected);
  });
});

describe('BYO_EXTRA_PORTS', () => {
  it.each([
    ['2777', [2777]],
    ['3000,4000', [3000, 4000]],
    [' 3000 , 4000 ,', [3000, 4000]],
    ['', []],
  ])('%j parses to %j', (value, expected) => {
    expect(loadEngineConfig({ BYO_EXTRA_PORTS: value }).extraPorts).toEqual(expected);
  });

  it.each(['x', '2776,abc', '27.76', '-1'])('refuses %j, naming the variable', (value) => {
    expect(configError({ BYO_EXTRA_PORTS: value }).message).toContain('BYO_EXTRA_PORTS');
  });

  it('refuses ports outside 1–65535', () => {
    const accepted = ['0', '65536', '70000'].filter((value) => {
      try {
        loadEngineConfig({ BYO_EXTRA_PORTS: value });
        return true;
      } catch (err) {
        return !(err instanceof ConfigError && err.message.includes('BYO_EXTRA_PORTS'));
      }
    });
    expect(accepted).toEqual([]);
  });
});

describe('BYO_HTTP', () => {
  it.each([
    ['0.0.0.0:9000', { host: '0.0.0.0', port: 9000 }],
    ['localhost:8080', { host: 'localhost', port: 8080 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }], // port 0: tests let the OS choose
  ])('%j is host and port', (value, expected) => {
    expect(loadEngineConfig({ BYO_HTTP: value }).http).toEqual(expected);
  });

  it.each(['8080', 'localhost', ':8080', 'localhost:', 'localhost:http', 'a:b:8080'])('refuses %j with "host:port"', (value) => {
    const err = configError({ BYO_HTTP: value });
    expect(err.message).toContain('BYO_HTTP');
    expect(err.message).toContain('host:port');
  });

  it('refuses a port above 65535', () => {
    expect(configError({ BYO_HTTP: '0.0.0.0:99999' }).message).toContain('BYO_HTTP');
  });
});

describe('bad values stop the engine with a ConfigError naming the variable', () => {
  it.each([
    ['BYO_ALLOW_PLAINTEXT', 'yes'],
    ['LOG_LEVEL', 'loud'],
    ['BYO_API_TOKEN', 'too-short'],
    ['BYO_INSTANCE_ID', 'has space'],
    ['BYO_INSTANCE_ID', 'x'.repeat(65)],
  ])('%s=%j', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.name).toBe('ConfigError');
    expect(err.message).toContain(name);
  });

  it('names the variable of every bad timer or limit (not the internal key)', () => {
    const all = { ...ENV_NAMES.timers, ...ENV_NAMES.limits };
    // 0 turns parking off (docs/configuration.md); it is the one timer where 0 means something
    const zeroMeansOff = new Set(['BYO_MT_PARKED_CHECK_MS']);
    const unnamed = Object.values(all).flatMap((env) =>
      ['abc', '0'].filter((bad) => !(bad === '0' && zeroMeansOff.has(env)) && !configError({ [env]: bad }).message.includes(env)).map((bad) => `${env}=${bad}`));
    expect(unnamed).toEqual([]);
    expect(loadEngineConfig({ BYO_MT_PARKED_CHECK_MS: '0' }).timers.mtParkedCheckMs).toBe(0);
    expect(configError({ BYO_MT_PARKED_CHECK_MS: '-1' }).message).toContain('BYO_MT_PARKED_CHECK_MS');
  });

  it('reports every bad variable at once', () => {
    const message = configError({ BYO_HTTP: 'nope', LOG_LEVEL: 'loud', BYO_EXTRA_PORTS: 'x' }).message;
    for (const name of ['BYO_HTTP', 'LOG_LEVEL', 'BYO_EXTRA_PORTS']) expect(message).toContain(name);
  });
});

describe('docs/configuration.md', () => {
  const readDoc = () => readFileSync(fileURLToPath(new URL('../../docs/configuration.md', import.meta.url)), 'utf8');

  it('documents every timer and limit variable', () => {
    const doc = readDoc();
    const names = [...Object.values(ENV_NAMES.timers), ...Object.values(ENV_NAMES.limits)];
    expect(names.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });

  it('gives each timer and limit the default the code has', () => {
    const doc = readDoc();
    const defaults = loadEngineConfig({});
    const groups = [['timers', ENV_NAMES.timers], ['limits', ENV_NAMES.limits]] as const;
    const wrong = groups.flatMap(([group, names]) => Object.entries(names).flatMap(([key, env]) => {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${env}\` |`));
      const documented = row?.split('|')[3]?.trim() ?? '(no table row)';
      const actual = (defaults[group] as Record<string, number | undefined>)[key];
      const ok = actual === undefined ? documented === 'unset' : documented.split(' ')[0] === String(actual);
      return ok ? [] : [`${env}: documented ${documented}, code ${String(actual)}`];
    }));
    expect(wrong).toEqual([]);
  });

  it('documents every process variable', () => {
    const doc = readDoc();
    expect(PROCESS_ENV_NAMES.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });
});

describe('deploy/systemd/env.example', () => {
  const readExample = () => readFileSync(fileURLToPath(new URL('../../deploy/systemd/env.example', import.meta.url)), 'utf8');
  /** NAME → value, for `NAME=value` and `#NAME=value` lines */
  const assignments = (text: string) => new Map(
    [...text.matchAll(/^#?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()] as const),
  );

  it('lists every variable', () => {
    const listed = assignments(readExample());
    const all = [...PROCESS_ENV_NAMES, ...Object.values(ENV_NAMES.timers), ...Object.values(ENV_NAMES.limits)];
    expect(all.filter((n) => !listed.has(n))).toEqual([]);
  });

  it('shows the code defaults of timers and limits', () => {
    const listed = assignments(readExample());
    const defaults = loadEngineConfig({});
    const wrong = (['timers', 'limits'] as const).flatMap((group) => Object.entries(ENV_NAMES[group]).flatMap(([key, env]) => {
      const actual = (defaults[group] as Record<string, number | undefined>)[key];
      const shown = listed.get(env);
      return shown === (actual === undefined ? '' : String(actual)) ? [] : [`${env}: shows ${String(shown)}, code ${String(actual)}`];
    }));
    expect(wrong).toEqual([]);
  });

  it('is a loadable configuration as shipped (no empty values that the engine would refuse)', () => {
    const active = Object.fromEntries([...readExample().matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(() => loadEngineConfig(active)).not.toThrow();
  });
});

describe('deploy/: stop timeouts leave room for a graceful unbind', () => {
  /** connection.ts drains NATS for at most 5 s after the binds are unbound (DRAIN_TIMEOUT_MS, not exported) */
  const NATS_DRAIN_MS = 5_000;
  const needed = (loadEngineConfig({}).timers.deactivateTimeoutMs + NATS_DRAIN_MS) / 1000;
  const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

  it.each([
    ['deploy/systemd/byo-smpp.service', /^TimeoutStopSec=(\d+)s$/m],
    ['deploy/compose.yaml', /^\s+stop_grace_period: (\d+)s$/m],
    ['deploy/kubernetes/deployment.yaml', /^\s+terminationGracePeriodSeconds: (\d+)$/m],
  ])('%s allows more than BYO_DEACTIVATE_TIMEOUT_MS plus the NATS drain', (path, pattern) => {
    const m = pattern.exec(read(path));
    expect(m, `no stop timeout found in ${path}`).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(needed);
  });
});
