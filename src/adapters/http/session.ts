// Console sessions: signing in with the API token or an org token (POST /console/session) sets an
// HttpOnly, SameSite=Strict cookie that the bearer check accepts in place of the token. The cookie is
// stateless — expiry, nonce, for an org session the org and token id, and an HMAC over all of them
// keyed from the API token — so it works on every instance sharing the token, it cannot be moved to
// another org, and changing the API token ends every session (revoking an org token ends that
// token's sessions: sessionResolver looks the token up on every request). State-changing requests
// made with the cookie must carry the session's CSRF token (derived from the cookie) in `x-csrf-token`.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'byo-console';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** who a session speaks for: the admin, or one org through one of its tokens */
export type SessionSubject = { kind: 'admin' } | { kind: 'org'; org: string; tokenId: string };

/** `<expires>.<nonce>[.<tokenId>.<org>].<mac>`: the org part only in an org session */
const COOKIE_RE = /^(\d{1,16})\.([\w-]{22})(?:\.([a-f0-9]{24})\.([A-Za-z0-9_-]{1,64}))?\.([\w-]{43})$/;
const TOKEN_ID_RE = /^[a-f0-9]{24}$/;
const ORG_RE = /^[A-Za-z0-9_-]{1,64}$/;

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

  issue(subject: SessionSubject = { kind: 'admin' }): IssuedSession {
    const expires = this.now().getTime() + this.ttlMs;
    let body = `${expires}.${randomBytes(16).toString('base64url')}`;
    if (subject.kind === 'org') {
      if (!TOKEN_ID_RE.test(subject.tokenId) || !ORG_RE.test(subject.org)) throw new Error('ConsoleSessions: not an org token id and org');
      body += `.${subject.tokenId}.${subject.org}`;
    }
    const value = `${body}.${this.mac(body)}`;
    return { value, csrfToken: this.csrfToken(value), expiresAt: new Date(expires).toISOString() };
  }

  /** who a cookie value this token signed speaks for, or undefined when it is not one or has expired */
  subject(value: string | undefined): SessionSubject | undefined {
    const m = COOKIE_RE.exec(value ?? '');
    if (!m) return undefined;
    const body = m[3] === undefined ? `${m[1]}.${m[2]}` : `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
    if (!equal(m[5]!, this.mac(body)) || Number(m[1]) <= this.now().getTime()) return undefined;
    return m[3] === undefined ? { kind: 'admin' } : { kind: 'org', org: m[4]!, tokenId: m[3] };
  }

  /** true for a cookie value this token signed and that has not expired (admin or org) */
  valid(value: string | undefined): value is string {
    return this.subject(value) !== undefined;
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
