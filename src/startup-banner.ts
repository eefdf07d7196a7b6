// The plain lines `npm start` prints once the engine is ready (on stderr, beside the JSON logs on
// stdout): where the API is, where its token is, which NATS it uses, where its data lives.
import { resolve } from 'node:path';

export interface BannerFacts {
  address: string;
  /** undefined: the token comes from BYO_API_TOKEN */
  tokenFile: string | undefined;
  /** the nats-server child the engine started, or undefined when it uses an external server */
  localNats: { url: string } | undefined;
  /** NATS_URL (or the default URL that answered) */
  natsUrl: string;
  dataDir: string;
}

export function startupBanner(f: BannerFacts): string {
  const dataDir = resolve(f.dataDir);
  const nats = f.localNats
    ? `${f.localNats.url} (embedded nats-server child, store ${resolve(dataDir, 'nats')}; set NATS_URL to use your own)`
    : `${f.natsUrl} (external)`;
  return [
    'byo-smpp is ready',
    `  HTTP API   ${f.address}   (console ${f.address}/console, OpenAPI ${f.address}/openapi.json)`,
    `  API token  ${f.tokenFile ? `in ${resolve(f.tokenFile)} (send it as Authorization: Bearer …)` : 'from BYO_API_TOKEN'}`,
    `  NATS       ${nats}`,
    `  data dir   ${dataDir}`,
    `  try        BYO_URL=${f.address} npx byo-smpp state${f.tokenFile ? '' : '   (with BYO_API_TOKEN set)'}`,
    '',
  ].join('\n');
}
