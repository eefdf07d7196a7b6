// What the fleet tests and the fleet benchmark do to a fleet: create integrations (each with its own
// system_id, so the SMSC can count binds per integration), publish MT traffic at a steady rate, sample
// binds per integration, and read the owners from GET /v1/state.
import type { EngineProcess } from './engine-process.js';
import type { FakeSmsc } from './fake-smsc.js';
import type { MtClient } from './mt-client.js';

export interface FleetIntegration { org: string; id: string; systemId: string; sender: string }

const ORG = 'acme';

/** Creates, imports a sender into and activates `count` integrations through `engine`, 6 at a time. */
export async function createIntegrations(engine: EngineProcess, port: number, count: number): Promise<FleetIntegration[]> {
  const out: FleetIntegration[] = [];
  const one = async (k: number): Promise<FleetIntegration> => {
    const systemId = `fleet${k}`;
    const sender = `+1555${String(4_000 + k).padStart(7, '0')}`;
    const created = await engine.api('POST', `/v1/orgs/${ORG}/integrations`, {
      name: `fleet ${k}`, smscAddress: '127.0.0.1', smscPort: port, tls: false, credentials: { systemId, password: 'secret1' }, messagesPerSecond: 100,
    });
    if (created.status !== 201) throw new Error(`create integration ${k}: HTTP ${created.status} ${created.text}`);
    const id = created.body.id as string;
    const num = await engine.api('POST', `/v1/orgs/${ORG}/integrations/${id}/numbers`, { type: 'local', senderId: sender });
    if (num.status !== 201) throw new Error(`import number ${k}: HTTP ${num.status} ${num.text}`);
    const act = await engine.api('POST', `/v1/orgs/${ORG}/integrations/${id}/activate`);
    if (act.status !== 200) throw new Error(`activate ${k}: HTTP ${act.status} ${act.text}`);
    return { org: ORG, id, systemId, sender };
  };
  let next = 0;
  await Promise.all(Array.from({ length: 6 }, async () => {
    while (next < count) {
      const k = next++;
      out[k] = await one(k);
    }
  }));
  return out;
}

/** Bound connections per system_id at the SMSC, sampled on a timer for as long as it runs. */
export class BindSampler {
  maxPerIntegration = 0;
  samples = 0;
  /** samples that saw more than 3 binds for one system_id: when and which */
  readonly overBound: { at: string; systemId: string; binds: number }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly smsc: FakeSmsc, everyMs: number) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  boundCount(systemId: string): number {
    return this.smsc.connectionList().filter((c) => c.bound && c.systemId === systemId).length;
  }

  allBound(integrations: readonly FleetIntegration[]): boolean {
    return integrations.every((i) => this.boundCount(i.systemId) > 0);
  }

  /** how many times the engines logged a self-fence */
  fences(engines: readonly EngineProcess[]): number {
    return engines.reduce((n, e) => n + (e.logs().match(/its owner claim is not confirmed/g)?.length ?? 0), 0);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const per = new Map<string, number>();
    for (const c of this.smsc.connectionList()) if (c.bound && c.systemId) per.set(c.systemId, (per.get(c.systemId) ?? 0) + 1);
    for (const [systemId, n] of per) {
      this.maxPerIntegration = Math.max(this.maxPerIntegration, n);
      if (n > 3 && this.overBound.length < 50) this.overBound.push({ at: new Date().toISOString(), systemId, binds: n });
    }
    this.samples++;
  }
}

interface StateView { id: string; state: string; instance: string }

/** GET /v1/state on one engine, reduced to owners: who runs what, what is missing or not active. */
export async function ownersView(engine: EngineProcess, integrations: readonly FleetIntegration[]) {
  const res = await engine.api('GET', '/v1/state');
  const views = (res.body?.integrations ?? []) as StateView[];
  const owner = new Map(views.map((v) => [v.id, v.instance]));
  const perInstance: Record<string, number> = {};
  for (const v of views) perInstance[v.instance] = (perInstance[v.instance] ?? 0) + 1;
  return {
    owner,
    perInstance,
    missing: integrations.filter((i) => !owner.has(i.id)).map((i) => i.id),
    inactive: views.filter((v) => v.state !== 'active').map((v) => v.id),
  };
}

/** MT messages round-robin over the integrations at a steady rate; a failed publish is retried with its id. */
export class Traffic {
  published = 0;
  private readonly ids: { integration: FleetIntegration; id: string }[] = [];
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly mt: MtClient, private readonly integrations: readonly FleetIntegration[], private readonly tag: string) {}

  start(perSecond: number): void {
    this.running = (async () => {
      const t0 = Date.now();
      for (let n = 0; !this.stopping; n++) {
        const due = t0 + (n * 1000) / perSecond;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        const integration = this.integrations[n % this.integrations.length]!;
        const id = `${this.tag}-${n}`;
        const body = { id, from: integration.sender, to: '+447700900900', text: `${this.tag} ${n}` };
        for (let attempt = 0; ; attempt++) {
          try {
            await this.mt.publish(integration.org, integration.id, body);
            break;
          } catch (err) {
            // a NATS node or stream leader moving: the same Nats-Msg-Id makes the retry safe
            if (attempt >= 20) throw err;
            await new Promise((r) => setTimeout(r, 250));
          }
        }
        this.ids.push({ integration, id });
        this.published++;
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Waits (bounded) for every message's final status; counts lost, repeated finals, and double submits at `smsc`. */
  async settle(timeoutMs: number, smsc?: FakeSmsc) {
    const deadline = Date.now() + timeoutMs;
    const finals = () => this.ids.map(({ integration, id }) => this.mt.statuses(integration.org, integration.id, id).filter((s) => s.state !== 'submitted').length);
    while (finals().some((n) => n === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await this.mt.caughtUp(Math.max(1_000, deadline - Date.now())).catch(() => undefined);
    const counts = finals();
    let duplicateSubmits = 0;
    if (smsc) {
      const seen = new Map<string, number>();
      for (const s of smsc.submits) {
        const text = s.short_message.toString('latin1');
        if (text.startsWith(`${this.tag} `)) seen.set(text, (seen.get(text) ?? 0) + 1);
      }
      for (const n of seen.values()) if (n > 1) duplicateSubmits++;
    }
    return {
      published: this.ids.length,
      lost: counts.filter((n) => n === 0).length,
      multipleFinals: counts.filter((n) => n > 1).length,
      duplicateSubmits,
    };
  }
}
