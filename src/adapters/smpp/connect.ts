// Opens the TCP or TLS socket. TLS is the default and verifies the SMSC's certificate unless told not to
// (the `smpp` package defaults to rejectUnauthorized: false; we must not).
import net from 'node:net';
import tls from 'node:tls';
import type { SessionOptions } from './types.js';

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
    ...(opts.tls.ca ? { ca: opts.tls.ca } : {}),
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
