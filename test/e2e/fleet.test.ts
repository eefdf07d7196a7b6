// Three engines over a three-node JetStream cluster (R3 streams and KV, chosen by the engines themselves)
// with 30 integrations against one fake SMSC, the engines' default owner timers (renew 1 s, claim TTL
// 7 s, fence 5 s). Bind counts per integration are sampled every 100 ms for the whole file: never more
// than 3. Gaps are printed, not asserted tightly (a shared 2-core CI box stretches them): the one bound,
// 20 s, is twice the < 10 s design target and still well under the old 30 s claim TTL alone, so it
// fails if failover falls back to waiting out a long TTL.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/engine-process.js';
import { startFleet, type Fleet } from '../helpers/fleet.js';
import { MtClient } from '../helpers/mt-client.js';
import { BindSampler, Traffic, createIntegrations, ownersView, type FleetIntegration } from '../helpers/fleet-traffic.js';
import { countedResends } from '../helpers/fault-world.js';

const COUNT = 30;
const FAILOVER_BOUND_MS = 20_000;

describe('fleet: 3 engines, 3 NATS nodes, 30 integrations', () => {
  let fleet: Fleet;
  let mt: MtClient;
  let sampler: BindSampler;
  let integrations: FleetIntegration[] = [];

  beforeAll(async () => {
    // a message the killed engine had taken comes back to the new owner after BYO_MT_ACK_WAIT_MS
    fleet = await startFleet({ engines: 3, smsc: { autoDlr: true }, env: { BYO_MT_ACK_WAIT_MS: '5000' } });
    sampler = new BindSampler(fleet.smsc, 100);
    mt = await MtClient.connect(fleet.cluster.nodes[0]!.url);
    integrations = await createIntegrations(fleet.engines[0]!, fleet.smsc.port, COUNT);
  }, 180_000);

  afterAll(async () => {
    // FLEET_LOG_DIR=dir keeps every engine's log for a look after the run
    if (process.env.FLEET_LOG_DIR) fleet?.engines.forEach((e, i) => writeFileSync(join(process.env.FLEET_LOG_DIR!, `engine-${i + 1}.log`), e.logs()));
    sampler?.stop();
    if (sampler?.overBound.length) console.log('[fleet] more than 3 binds seen:', sampler.overBound);
    await mt?.close();
    await fleet?.close();
  }, 60_000);

  it('spreads the integrations over the three engines, each bound by one engine, and every engine shows the whole fleet', async () => {
    const started = Date.now();
    await eventually(() => sampler.allBound(integrations), { what: 'every integration bound', timeoutMs: 60_000 });
    console.log(`[fleet] all ${COUNT} integrations bound ${Date.now() - started} ms after the last activation answer`);
    for (const engine of fleet.engines) {
      const view = await eventually(async () => {
        const v = await ownersView(engine, integrations);
        return v.missing.length === 0 && v.inactive.length === 0 ? v : undefined;
      }, { what: 'the whole fleet in GET /v1/state', timeoutMs: 30_000 });
      expect(new Set(Object.keys(view.perInstance))).toEqual(new Set(fleet.instanceIds));
      console.log(`[fleet] ${engine.url} sees`, view.perInstance);
    }
    expect(sampler.maxPerIntegration).toBeLessThanOrEqual(3);
  }, 120_000);

  it('kill -9 of the busiest engine: the survivors bind its integrations, every message gets exactly one final status', async () => {
    const traffic = new Traffic(mt, integrations, 'kill');
    traffic.start(40);
    await eventually(() => traffic.published >= 60, { what: 'traffic flowing', timeoutMs: 20_000 });
    const view = await ownersView(fleet.engines[0]!, integrations);
    const [victimId] = Object.entries(view.perInstance).sort((a, b) => b[1] - a[1])[0]!;
    const victim = fleet.instanceIds.indexOf(victimId);
    const theirs = integrations.filter((i) => view.owner.get(i.id) === victimId);
    const killedAt = Date.now();
    await fleet.engines[victim]!.kill();
    await eventually(() => theirs.every((i) => sampler.boundCount(i.systemId) === 0) || undefined, { what: 'the SMSC saw the killed engine\'s sockets close', timeoutMs: 10_000 });
    await eventually(() => sampler.allBound(theirs), { what: 'the killed engine\'s integrations bound again', timeoutMs: 60_000 });
    const boundGap = Date.now() - killedAt;
    const survivor = fleet.engines[(victim + 1) % 3]!;
    await eventually(async () => {
      const v = await ownersView(survivor, integrations);
      return v.inactive.length === 0 && v.missing.length === 0 && !(victimId in v.perInstance);
    }, { what: 'GET /v1/state shows every integration active on a survivor', timeoutMs: 30_000 });
    const activeGap = Date.now() - killedAt;
    await new Promise((r) => setTimeout(r, 2_000)); // traffic after the failover too
    await traffic.stop();
    const result = await traffic.settle(90_000, fleet.smsc);
    console.log(`[fleet] kill -9 ${victimId} (${theirs.length} integrations): all bound again after ${boundGap} ms, all active in /v1/state after ${activeGap} ms; `
      + `${result.published} messages, ${result.lost} without a final status, ${result.multipleFinals} with more than one, ${result.duplicateSubmits} submitted twice at the SMSC`);
    expect(result.lost).toBe(0);
    expect(result.multipleFinals).toBe(0);
    expect(boundGap).toBeLessThan(FAILOVER_BOUND_MS);
    expect(sampler.maxPerIntegration).toBeLessThanOrEqual(3);
    await fleet.restartEngine(victim);
  }, 240_000);

  it('numbers imported while the restarted engine takes its share back are active within seconds', async () => {
    // the previous test restarted the killed engine: the survivors now hand it its share, 5 per renewal each
    const started = Date.now();
    const imported = await Promise.all(integrations.map(async (i, k) => {
      const senderId = `+1555${String(6_000 + k).padStart(7, '0')}`;
      const res = await fleet.engines[k % 3]!.api('POST', `/v1/orgs/${i.org}/integrations/${i.id}/numbers`, { type: 'local', senderId });
      expect(res.status, res.text).toBe(201);
      return { i, senderId, at: Date.now() };
    }));
    const delays = await Promise.all(imported.map(async ({ i, senderId, at }) => {
      await eventually(async () => {
        const res = await fleet.engines[0]!.api('GET', `/v1/orgs/${i.org}/numbers?integration=${i.id}`);
        return (res.body?.numbers as { e164: string; state: string }[] | undefined)?.some((n) => n.e164 === senderId && n.state === 'active');
      }, { what: `number ${senderId} active`, timeoutMs: 30_000 });
      return Date.now() - at;
    }));
    const handedOver = fleet.engines.reduce((n, e) => n + (e.logs().match(/handing the integration over/g)?.length ?? 0), 0);
    console.log(`[fleet] ${imported.length} numbers imported during hand-overs (${handedOver} hand-overs logged so far): active after `
      + `median ${delays.sort((x, y) => x - y)[Math.floor(delays.length / 2)]} ms, max ${delays.at(-1)} ms, ${delays.filter((d) => d > 2_000).length} over 2 s (${Date.now() - started} ms in all)`);
    expect(sampler.maxPerIntegration).toBeLessThanOrEqual(3);
  }, 120_000);

  it('a NATS node stopped mid-traffic and started again: nothing lost, nothing stuck', async () => {
    const resentBefore = await Promise.all(fleet.engines.map(countedResends));
    const traffic = new Traffic(mt, integrations, 'nats');
    traffic.start(40);
    await eventually(() => traffic.published >= 60, { what: 'traffic flowing', timeoutMs: 20_000 });
    await fleet.cluster.stopNode(2);
    const publishedAtStop = traffic.published;
    await eventually(() => traffic.published >= publishedAtStop + 100, { what: 'traffic while a node is down', timeoutMs: 60_000 });
    await fleet.cluster.startNode(2);
    await fleet.cluster.waitForJetStream();
    await new Promise((r) => setTimeout(r, 2_000));
    await traffic.stop();
    const result = await traffic.settle(90_000, fleet.smsc);
    await eventually(() => sampler.allBound(integrations), { what: 'every integration bound after the node came back', timeoutMs: 60_000 });
    // a submit_sm resent after a timeout or a closed session may reach the SMSC twice, and is counted; more than that is a bug
    const resent = (await Promise.all(fleet.engines.map(countedResends))).reduce((n, r, i) => n + r - resentBefore[i]!, 0);
    console.log(`[fleet] NATS node stopped and restarted: ${result.published} messages, ${result.lost} without a final status, ${result.multipleFinals} with more than one, `
      + `${result.duplicateSubmits} submitted twice (${resent} resends counted); ${sampler.fences(fleet.engines)} fences logged`);
    expect(result.lost).toBe(0);
    expect(result.multipleFinals).toBe(0);
    expect(sampler.maxPerIntegration).toBeLessThanOrEqual(3);
  }, 240_000);
});
