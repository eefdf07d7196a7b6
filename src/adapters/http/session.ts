// Console sessions: signing in with the API token (POST /console/session) sets an HttpOnly,
// SameSite=Strict cookie that the bearer check accepts in place of the token. The cookie is
// stateless — expiry, nonce and an HMAC keyed from the API token — so it works on every instance
// sharing the token, and changing the token ends every session. State-changing requests made with
// the cookie must carry the session's CSRF token (derived from the cookie) in `x-csrf-token`.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'byo-console';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface IssuedSession {
  /** the cookie's value */
  value: string;
  csrfToken: string;
  expiresAt: string;
}

const equal = (a: string, b: string): boolean => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

export class ConsoleSessions {
  private readonly key: Buffer;

  constructor(apiToken: string, private readonly ttlMs: number, private readonly now: () => Date = () => new Date()) {
    if (apiToken.length === 0) throw new Error('ConsoleSessions: an empty API token would let anyone in');
    this.key = createHmac('sha256', apiToken).update('byo-smpp console session v1').digest();
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }

  issue(): IssuedSession {
    const expires = this.now().getTime() + this.ttlMs;
    const body = `${expires}.${randomBytes(16).toString('base64url')}`;
    const value = `${body}.${this.mac(body)}`;
    return { value, csrfToken: this.csrfToken(value), expiresAt: new Date(expires).toISOString() };
  }

  /** true for a cookie value this token signed and that has not expired */
  valid(value: string | undefined): value is string {
    const m = /^(\d{1,16})\.([\w-]{22})\.([\w-]{43})$/.exec(value ?? '');
    if (!m) return false;
    return equal(m[3]!, this.mac(`${m[1]}.${m[2]}`)) && Number(m[1]) > this.now().getTime();
  }

  expiresAt(value: string): string {
    return new Date(Number(value.split('.', 1)[0])).toISOString();
  }

  csrfToken(value: string): string {
    return this.mac(`csrf.${value}`);
  }

  /** safe methods need no CSRF token; others must present this session's */
  csrfOk(method: string, value: string, presented: string | string[] | undefined): boolean {
    if (SAFE_METHODS.has(method.toUpperCase())) return true;
    return typeof presented === 'string' && equal(presented, this.csrfToken(value));
  }

  setCookie(value: string, secure: boolean): string {
    const maxAge = Math.max(0, Math.floor((Number(value.split('.', 1)[0]) - this.now().getTime()) / 1000));
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
  }

  clearCookie(secure: boolean): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
  }
}

/** the value of cookie `name` in a Cookie header */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
