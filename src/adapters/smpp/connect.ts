// Opens the TCP or TLS socket. TLS is the default and verifies the SMSC's certificate unless told not to
// (the `smpp` package defaults to rejectUnauthorized: false; we must not).
import net from 'node:net';
import tls from 'node:tls';
import type { SessionOptions } from './types.js';

/** distinct CAs kept; past it the oldest is dropped (a later bind with it parses its PEM again) */
const SECURE_CONTEXT_CACHE_ENTRIES = 1_000;
const secureContexts = new Map<string, tls.SecureContext>();

/**
 * One SecureContext per distinct CA PEM (and one for the system's roots), shared by every bind that trusts it. `tls.connect({ ca })` parses
 * the PEM into a new certificate store per socket (per bind and per reconnect); with 3 binds per integration
 * that store was a large share of an idle integration's memory. Verification is unchanged: the context only
 * holds the trusted CAs; rejectUnauthorized and the name check stay per connection.
 */
export function secureContextFor(ca: string | undefined): tls.SecureContext {
  const key = ca ?? '';
  let ctx = secureContexts.get(key);
  if (!ctx) {
    // no CA given: the system's roots, as tls.connect would use (one context for all such binds)
    ctx = tls.createSecureContext(ca === undefined ? {} : { ca });
    if (secureContexts.size >= SECURE_CONTEXT_CACHE_ENTRIES) secureContexts.delete(secureContexts.keys().next().value!);
    secureContexts.set(key, ctx);
  }
  return ctx;
}

export function openSocket(opts: SessionOptions): net.Socket {
  if (opts.tls.enabled === false) {
    return net.connect({ host: opts.host, port: opts.port });
  }
  // SNI must be a name: RFC 6066 forbids an IP address there (Node warns), so default to the host only
  // when it is not one.
  const servername = opts.tls.servername ?? (net.isIP(opts.host) === 0 ? opts.host : undefined);
  return tls.connect({
    host: opts.host,
    port: opts.port,
    rejectUnauthorized: opts.tls.rejectUnauthorized !== false,
    secureContext: secureContextFor(opts.tls.ca || undefined),
    ...(servername ? { servername } : {}),
  });
}

/** the event after which the socket is ready for PDUs */
export const readyEvent = (opts: SessionOptions): 'connect' | 'secureConnect' =>
  opts.tls.enabled === false ? 'connect' : 'secureConnect';

/**
 * A reason an operator can act on: `connect ECONNREFUSED 127.0.0.1:2776` from Node as is; errors after the
 * TCP connect but before the TLS handshake completed are prefixed `TLS: ` (e.g. `TLS: self-signed certificate`).
 */
export function connectFailureReason(err: Error, tcpConnected: boolean, tlsEnabled: boolean): string {
  return tlsEnabled && tcpConnected ? `TLS: ${err.message}` : err.message;
}
