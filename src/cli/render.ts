// Human-readable renderings of what the API returns: tables, an integration card, a state tree.
import Table from 'cli-table3';
import type { Context } from './context.js';

type Health = 'good' | 'warn' | 'bad' | 'dim';

/** how an integration or bind state reads at a glance */
export function health(state: string): Health {
  if (['active', 'bound', 'subscribed', 'delivered', 'ready'].includes(state)) return 'good';
  if (['failed', 'disabled', 'rejected', 'optedOut', 'unknown'].includes(state)) return 'bad';
  if (['inactive', 'unbound', 'stopped', 'idle'].includes(state)) return 'dim';
  return 'warn';
}

export function table(head: string[], rows: (string | number | undefined | null)[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map((c) => (c === undefined || c === null ? '' : String(c))));
  return t.toString();
}

/** key: value lines, nested objects as JSON */
export function card(ctx: Context, obj: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(obj).map((k) => k.length));
  return Object.entries(obj).map(([k, v]) => {
    const text = v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
    const shown = k === 'state' ? ctx.colour(health(text), text) : text;
    return `${ctx.colour('bold', k.padEnd(width))}  ${shown}`;
  }).join('\n');
}

/** an engine instance as GET /v1/state names it: live, or its snapshot too old to count */
export interface InstanceView { id: string; live: boolean; snapshotAgeMs: number }

/** snapshot age as people read it: ms under a second, else seconds with one decimal */
export function age(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** the instances a fleet answer is built from: which answer, and how old each one's snapshot is */
export function instancesTable(ctx: Context, instances: InstanceView[]): string {
  return table(['instance', 'status', 'snapshot age'], instances.map((i) => [
    i.id, i.live ? ctx.colour('good', 'live') : ctx.colour('bad', 'not answering'), age(i.snapshotAgeMs)]));
}

export interface BindView { index: number; state: string; since?: string; lastError?: string; outstanding?: number }
export interface StateView { org: string; id: string; state: string; desired: string; since?: string; binds: BindView[]; instance?: string | null; name?: string }

/** integrations and their binds as a tree, coloured by health */
export function stateTree(ctx: Context, views: StateView[]): string {
  if (views.length === 0) return ctx.colour('dim', 'no integrations');
  const lines: string[] = [];
  const byOrg = new Map<string, StateView[]>();
  for (const v of views) byOrg.set(v.org, [...(byOrg.get(v.org) ?? []), v]);
  for (const [org, list] of byOrg) {
    lines.push(ctx.colour('bold', org));
    list.forEach((v, i) => {
      const last = i === list.length - 1;
      const where = v.instance ? ctx.colour('dim', ` on ${v.instance}`) : '';
      const desired = v.desired && v.desired !== v.state ? ctx.colour('dim', ` (desired ${v.desired})`) : '';
      lines.push(`${last ? '└─' : '├─'} ${v.name ? `${v.name} ` : ''}${v.id}  ${ctx.colour(health(v.state), v.state)}${desired}${where}`);
      v.binds.forEach((b, j) => {
        const err = b.lastError ? ctx.colour('bad', `  ${b.lastError}`) : '';
        const out = b.outstanding ? ctx.colour('dim', `  window ${b.outstanding}`) : '';
        lines.push(`${last ? '   ' : '│  '}${j === v.binds.length - 1 ? '└─' : '├─'} bind-${b.index}  ${ctx.colour(health(b.state), b.state)}${out}${err}`);
      });
    });
  }
  return lines.join('\n');
}
