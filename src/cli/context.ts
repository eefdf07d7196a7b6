// What every command shares: where the engine and NATS are (flags, then env, then the token file the
// engine writes), the HTTP client, output (human or --json) and the exit codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';

/** exit codes: 0 success, 1 the engine (or NATS, or the simulator) refused, 2 usage error */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

/** a usage error: bad flags or arguments; exit 2 */
export class UsageError extends Error {}

/** the other side said no: exit 1 with its error code and message */
export class RefusedError extends Error {
  constructor(message: string, readonly code?: string, readonly status?: number) {
    super(message);
  }
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** all of stdin (files given as -, --password-stdin) */
  readStdin: () => Promise<string>;
  /** Ctrl-C / the end of a follow: resolves when a long-running command should stop */
  interrupted: Promise<void>;
}

export interface GlobalOptions {
  url?: string;
  token?: string;
  tokenFile?: string;
  nats?: string;
  json?: boolean;
  color?: boolean;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
/** how long one HTTP call to the engine may take, in ms */
export const CLI_HTTP_TIMEOUT_MS = 30_000;

export class Context {
  constructor(readonly io: CliIo, readonly opts: GlobalOptions) {}

  get json(): boolean {
    return this.opts.json === true;
  }

  get url(): string {
    return (this.opts.url ?? this.io.env.BYO_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  }

  get natsUrl(): string {
    return this.opts.nats ?? this.io.env.NATS_URL ?? DEFAULT_NATS_URL;
  }

  /** --token, BYO_API_TOKEN, --token-file, then the file the engine writes: $BYO_DATA_DIR/api-token */
  token(): string {
    const direct = this.opts.token ?? this.io.env.BYO_API_TOKEN;
    if (direct) return direct;
    const file = this.opts.tokenFile ?? join(this.io.env.BYO_DATA_DIR ?? '.data', 'api-token');
    try {
      const t = readFileSync(file, 'utf8').trim();
      if (t) return t;
    } catch {
      // explained below
    }
    throw new UsageError(`no API token: pass --token, set BYO_API_TOKEN, or run where the engine's token file is (${file}; --token-file)`);
  }

  out(line: string): void {
    this.io.stdout(line.endsWith('\n') ? line : line + '\n');
  }

  /** prints `value` as JSON with --json, else the human text */
  print(value: unknown, human: () => string): void {
    this.out(this.json ? JSON.stringify(value, null, 2) : human());
  }

  /** one line of a stream (events, statuses): JSON Lines with --json */
  printLine(value: unknown, human: () => string): void {
    this.out(this.json ? JSON.stringify(value) : human());
  }

  colour(kind: 'good' | 'warn' | 'bad' | 'dim' | 'bold', text: string): string {
    if (this.opts.color === false || this.io.env.NO_COLOR) return text;
    const f = { good: pc.green, warn: pc.yellow, bad: pc.red, dim: pc.dim, bold: pc.bold }[kind];
    return f(text);
  }

  /** calls the admin API; a non-2xx answer becomes a RefusedError with the engine's code and message */
  async api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.url + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(CLI_HTTP_TIMEOUT_MS),
      });
    } catch (err) {
      const c = (err as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
      const cause = c?.code ?? c?.errors?.[0]?.code ?? (c as Error | undefined)?.message ?? (err instanceof Error ? err.message : String(err));
      throw new RefusedError(`cannot reach the engine at ${this.url} (${cause}): is it running? (--url, BYO_URL)`, 'UNREACHABLE');
    }
    const text = await res.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const e = parsed?.error;
      throw new RefusedError(e?.message ?? (text || res.statusText), e?.code ?? `HTTP_${res.status}`, res.status);
    }
    return parsed as T;
  }
}

/** `+1555…` or digits → a path segment */
export const phone = (n: string): string => encodeURIComponent(n);

/** `90s`, `15m`, `2h`, `1d`, or ms as a bare number → milliseconds */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) throw new UsageError(`not a duration: ${s} (e.g. 30s, 15m, 2h, 1d)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Number(m[1]) * unit;
}
