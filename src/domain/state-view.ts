// What an integration looks like from outside its actor: the live view GET /v1/state returns, the
// snapshot each instance keeps in KV `byo_state` for the others, and what metrics count. Plain data
// shared by actors (which build it) and adapters (which show it); the schema checks the snapshots
// other instances wrote, which may come from an older or newer version of the engine.
import { z } from 'zod';

export const bindStateViewSchema = z.object({
  index: z.number().int(),
  state: z.string(),
  since: z.string(),
  lastError: z.string().optional(),
  outstanding: z.number().int().optional(),
});
export type BindStateView = z.infer<typeof bindStateViewSchema>;

export const integrationStateViewSchema = z.object({
  org: z.string(),
  id: z.string(),
  state: z.string(),
  desired: z.string(),
  since: z.string(),
  binds: z.array(bindStateViewSchema),
  counters: z.record(z.string(), z.number()),
  instance: z.string(),
});
export type IntegrationStateView = z.infer<typeof integrationStateViewSchema>;

/** one instance's snapshot in KV `byo_state` */
export const instanceSnapshotSchema = z.array(integrationStateViewSchema);

/** the same snapshot read for which integrations it lists only (each renewal: the rest is not looked at) */
export const snapshotKeysSchema = z.array(z.looseObject({ org: z.string(), id: z.string() }));

/** An engine instance as the serving one sees it: `live` when its snapshot is fresh enough to count. */
export interface InstanceStatusView {
  id: string;
  live: boolean;
  /** how old its last snapshot in `byo_state` is; 0 for the instance answering (its own live actors) */
  snapshotAgeMs: number;
}

/** GET /v1/state: every integration with its owner, and the instances the answer is built from. */
export interface FleetStateView {
  instances: InstanceStatusView[];
  integrations: IntegrationStateView[];
}

/** Live actor snapshots across all instances (KV `byo_state` in production). */
export interface StateView {
  integrations(): Promise<IntegrationStateView[]>;
  /** the integrations plus which instances answered (left out: the route shows integrations only) */
  fleet?(): Promise<FleetStateView>;
  integration(org: string, id: string): Promise<IntegrationStateView | undefined>;
}
