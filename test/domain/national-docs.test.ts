// docs/encoding.md shows segment counts of example messages with and without national language
// tables; they are computed here with prepareMessage, so the docs cannot drift from the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareMessage } from '../../src/domain/prepare-message.js';
import { integrationSchemas } from '../../src/config/integration-schema.js';
import { DEFAULT_ADVANCED_CONFIG } from '../../src/config/advanced-defaults.js';
import type { AdvancedConfig } from '../../src/config/index.js';

const { credentials: _c, ...config } = integrationSchemas({ extraPorts: [], allowPlaintext: false }).create.parse({
  name: 'v', smscAddress: 'smsc.example.com', addressTon: 1, addressNpi: 1, destinationTon: 1, destinationNpi: 1,
});
const docs = readFileSync(new URL('../../docs/encoding.md', import.meta.url), 'utf8');

/** label, text, and how the docs show the text (a repeated phrase is described, not written out) */
const repeated = (phrase: string, times: number) => ({ text: phrase.repeat(times).trimEnd(), shown: `"${phrase}" ${times} times, without the last space` });
const EXAMPLES: Array<[label: string, example: { text: string; shown: string }]> = [
  ['Turkish', 'Merhaba Ayşe, yarın saat 9:00 toplantı var. Lütfen geç kalmayın; doğum günü pastası hazır. Görüşürüz'],
  ['Turkish, many ş', repeated('şeş ', 60)],
  ['Spanish', 'Mañana a las 10:00 en la estación. Por favor, confirma tu asistencia; habrá café y pastel para todos. ¡Te esperamos con mucha ilusión, amigos!'],
  ['Portuguese', repeated('Ação, pão, coração, informação, não, então, mãe; você está lá? ', 7)],
  ['Hindi', 'नमस्ते! आपका ऑर्डर भेज दिया गया है और कल शाम तक पहुँच जाएगा। धन्यवाद, हमारी सेवा चुनने के लिए।'],
].map(([label, e]) => [label as string, typeof e === 'string' ? { text: e, shown: e } : e as { text: string; shown: string }]);

function describeParts(text: string, advanced: AdvancedConfig): string {
  const p = prepareMessage({ id: 'doc', from: '+15551230000', to: '+447700900123', text }, config, advanced, { senderActive: true, reference: 1 });
  if (!p.ok) throw new Error(p.rejection.description);
  const { pdus, charset, national } = p.message;
  const tables = national ? `, ${[national.locking && `${national.locking} locking`, national.single && `${national.single} single`].filter(Boolean).join(' + ')} shift` : '';
  return `${pdus.length} × ${charset}${tables}`;
}

describe('docs/encoding.md national language example table', () => {
  const enabled: AdvancedConfig = { ...DEFAULT_ADVANCED_CONFIG, nationalLanguages: ['turkish', 'spanish', 'portuguese'] };
  it.each(EXAMPLES)('%s: the row shows the computed parts', (label, { text, shown }) => {
    const row = `| ${label} | ${[...text].length} | ${describeParts(text, DEFAULT_ADVANCED_CONFIG)} | ${describeParts(text, enabled)} |`;
    expect(docs).toContain(row);
    expect(docs).toMatch(new RegExp(`^${label}: +${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });
});
