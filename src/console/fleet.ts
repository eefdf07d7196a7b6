// GET /v1/console/fleet: one row per integration with what an on-call operator looks at first —
// org, name, state, owning instance, the 3 binds (state, window in use, last failure), queue depth,
// messages/s, last submit and receipt, numbers, failure causes over the last hour. Above them, the
// engine instances the answer is built from (live or not answering, snapshot age), as GET /v1/state.
import type {
  BindStateView, FleetStateView, FleetStats, InstanceStatusView, IntegrationActivity, IntegrationStore, NumberStore, StateView,
} from '../domain/index.js';

export interface FleetRow {
  org: string;
  id: string;
  name: string;
  desired: string;
  state: string;
  since: string | null;
  instance: string | null;
  binds: BindStateView[];
  /** outstanding submit_sm allowed per bind */
  windowSize: number;
  queueDepth: number;
  numbers: { e164: string; state: string }[];
  /** null when another instance owns the integration (counted where it runs) */
  activity: IntegrationActivity | null;
}

export interface FleetDeps {
  store: IntegrationStore;
  state: StateView;
  /** every number (the engine's number fleet answers from its watch of byo_numbers, not one read per number per refresh) */
  numbers: Pick<NumberStore, 'list'>;
  stats: FleetStats;
  /** the instance serving this request: activity is counted by the owner only */
  instanceId: string;
  windowSize: number;
}

/** GET /v1/console/fleet: the instances (they carry no org data, so an org session sees them too) and the rows */
export interface FleetPage {
  instances: InstanceStatusView[];
  integrations: FleetRow[];
}

/** the fleet as the state view has it; a view without instances (a single engine in tests) names this one */
async function fleetState(d: FleetDeps): Promise<FleetStateView> {
  if (d.state.fleet) return d.state.fleet();
  return { instances: [{ id: d.instanceId, live: true, snapshotAgeMs: 0 }], integrations: await d.state.integrations() };
}

/** every integration's row, or only `org`'s when given (an org token's console session) */
export async function fleetPage(d: FleetDeps, org?: string): Promise<FleetPage> {
  const [listed, fleet, numbers, depths] = await Promise.all([d.store.list(org), fleetState(d), d.numbers.list(), d.stats.queueDepths()]);
  const records = listed.filter((r) => org === undefined || r.org === org);
  const live = new Map(fleet.integrations.map((v) => [`${v.org}.${v.id}`, v]));
  // grouped once: a filter per row was integrations × numbers (9 M comparisons at 3,000 each)
  const numbersOf = new Map<string, { e164: string; state: string }[]>();
  for (const n of numbers) {
    const key = `${n.org}.${n.integration}`;
    const list = numbersOf.get(key) ?? [];
    if (list.length === 0) numbersOf.set(key, list);
    list.push({ e164: n.e164, state: n.state });
  }
  const integrations = records.filter((r) => r.desired !== 'deleted').map((r) => {
    const key = `${r.org}.${r.id}`;
    const v = live.get(key);
    return {
      org: r.org, id: r.id, name: typeof r.config.name === 'string' ? r.config.name : r.id, desired: r.desired,
      state: v?.state ?? 'inactive', since: v?.since ?? null, instance: v?.instance ?? null, binds: v?.binds ?? [],
      windowSize: d.windowSize, queueDepth: depths.get(key) ?? 0,
      numbers: numbersOf.get(key) ?? [],
      activity: v?.instance === d.instanceId ? d.stats.activity(r.org, r.id) : null,
    };
  }).sort((a, b) => a.org.localeCompare(b.org) || a.name.localeCompare(b.name));
  return { instances: fleet.instances, integrations };
}
