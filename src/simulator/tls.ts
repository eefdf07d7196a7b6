// A self-signed certificate for `--tls-self-signed`: made in memory with `selfsigned` (no openssl
// needed), valid for the listen host, localhost and 127.0.0.1. An integration trusts it by putting the
// certificate itself in `tls.ca` (a self-signed certificate is its own CA).
import { generate } from 'selfsigned';

export interface SelfSignedCertificate {
  key: string;
  cert: string;
}

/** validity of a generated certificate, in days */
export const SELF_SIGNED_VALIDITY_DAYS = 30;

export async function selfSignedCertificate(host = '127.0.0.1'): Promise<SelfSignedCertificate> {
  const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(':');
  const names = [...new Set(['localhost', '127.0.0.1', host])].filter((h) => h !== '0.0.0.0' && h !== '::');
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'byo-smpp SMSC simulator' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + SELF_SIGNED_VALIDITY_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((h) => (isIp(h) ? { type: 7, ip: h } : { type: 2, value: h })) },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
