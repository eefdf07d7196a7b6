// Server certificates an SMSC should never be trusted with, made with the openssl CLI: one signed by
// the test CA (test/helpers/tls-cert.ts) but expired in 2020, and one self-signed. Both name
// 127.0.0.1 / localhost, so the only fault is the one under test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCertificates } from './tls-cert.js';

export interface BadCertificates {
  expired: { key: string; cert: string };
  selfSigned: { key: string; cert: string };
}

const CA_CONFIG = `[ca]
default_ca = d
[d]
database = db/index.txt
serial = db/serial
new_certs_dir = db
default_md = sha256
policy = p
[p]
commonName = supplied
[ext]
subjectAltName = IP:127.0.0.1,DNS:localhost
extendedKeyUsage = serverAuth
`;

export function badCertificates(): BadCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'byo-smpp-badtls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  try {
    const { ca, caKey } = testCertificates();
    writeFileSync(join(dir, 'ca.pem'), ca);
    writeFileSync(join(dir, 'ca.key'), caKey);
    writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
    mkdirSync(join(dir, 'db'));
    writeFileSync(join(dir, 'db', 'index.txt'), '');
    writeFileSync(join(dir, 'db', 'serial'), '01\n');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'expired.key', '-out', 'expired.csr');
    openssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'expired.csr',
      '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extensions', 'ext', '-out', 'expired.pem');
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', 'self.key', '-out', 'self.pem');
    return {
      expired: { key: read('expired.key'), cert: read('expired.pem') },
      selfSigned: { key: read('self.key'), cert: read('self.pem') },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
