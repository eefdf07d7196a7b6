// The fixture test/fixtures/reference-facts.json holds the facts the product takes from the guide
// (byo-sms-for-smpp.txt): defaults, allowed values, keyword lists, auto-responses, error messages. The
// code is tested against the fixture everywhere else; this file checks the fixture against the guide
// itself, word for word, wherever the guide is present. The guide is not part of this repository: in a
// clean clone this check is skipped and says so (set BYO_REFERENCE_REQUIRED=1 to make that a failure,
// BYO_REFERENCE_GUIDE=<path> to use another copy). The guide has non-breaking spaces after some colons:
// match them with \s.
import { describe, expect, it } from 'vitest';
import facts from '../fixtures/reference-facts.json' with { type: 'json' };
import { jsonBlockAfter, numbersIn, readReferenceIfPresent, REFERENCE_PATH } from '../helpers/reference.js';

const guide = readReferenceIfPresent();
const required = process.env.BYO_REFERENCE_REQUIRED === '1';

if (!guide) {
  console.info(`reference guide not found at ${REFERENCE_PATH}: test/fixtures/reference-facts.json is NOT cross-checked against it in this run`);
}

describe('reference guide availability', () => {
  it.runIf(!guide && !required)(`SKIPPED cross-check: no guide at ${REFERENCE_PATH} (the fixture is used as it is)`, () => {
    expect(guide).toBeUndefined();
  });
  it.runIf(required)('the guide is present (BYO_REFERENCE_REQUIRED=1)', () => {
    expect(guide, `no guide at ${REFERENCE_PATH}`).toBeDefined();
  });
});

/** How the guide lists keywords: "HELP or INFO", "START, YES, or UNSTOP". */
const asGuideList = (words: readonly string[]): string =>
  words.length === 2 ? words.join(' or ') : `${words.slice(0, -1).join(', ')}, or ${words.at(-1)}`;

describe.skipIf(!guide)(`the fixture matches the guide at ${REFERENCE_PATH}`, () => {
  const text = guide ?? '';
  const { integration, longCodeKeywords, troubleshootingMessages, advancedConfiguration } = facts;

  it('ports: the listed additional ports and the default', () => {
    const m = /following additional ports:\s*([\d,\sand]+)\./.exec(text);
    expect(m).not.toBeNull();
    expect(integration.standardPorts).toEqual(numbersIn(m![1]!));
    expect(text).toContain(`The default value is ${integration.defaultPort}`);
  });

  it('NPI: the source and destination lists', () => {
    const lists = [...text.matchAll(/NPI\)? value[^:]*:\s*([\d,]+)\./g), ...text.matchAll(/NPI field[^:]*:\s*([\d,]+)\./g)]
      .map((m) => numbersIn(m[1]!));
    expect(lists.length).toBeGreaterThanOrEqual(2);
    for (const list of lists) expect(integration.npi).toEqual(list);
  });

  it('messages per second: default and maximum', () => {
    expect(text).toContain(`default value is ${integration.defaultMessagesPerSecond} messages per second with a maximum limit of ${integration.maxMessagesPerSecond}`);
  });

  it('bind types, transceiver the default', () => {
    expect(integration.defaultBindType).toBe('transceiver');
    for (const t of integration.bindTypes) expect(text).toMatch(new RegExp(`- ${t[0]!.toUpperCase()}${t.slice(1)}\\b`));
    expect(text).toMatch(/Transceiver: This is the default/);
  });

  it.each([
    ['Help', longCodeKeywords.help],
    ['Opt-out', longCodeKeywords.optOut],
    ['Opt-in', longCodeKeywords.optIn],
  ] as const)('%s keywords and auto response, word for word', (label, section) => {
    expect(text).toContain(`${label} keywords ${asGuideList(section.keywords)}. ${label} auto response ${section.autoResponse} `);
  });

  it.each(Object.entries(troubleshootingMessages))('troubleshooting message %s is a row of the guide\'s table', (_name, message) => {
    expect(text).toContain(`| ${message} |`);
  });

  it('advanced configuration: the default and the custom example, as JSON', () => {
    expect(advancedConfiguration.default).toStrictEqual(jsonBlockAfter(text, 'In the Advanced Configuration section'));
    expect(advancedConfiguration.customExample).toStrictEqual(jsonBlockAfter(text, 'When you enter a custom advanced configuration'));
  });
});
