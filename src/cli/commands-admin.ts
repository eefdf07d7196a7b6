// Admin commands over the HTTP API: integrations, numbers, subscribers, state, trace.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { UsageError, phone, type Context } from './context.js';
import { card, health, instancesTable, stateTree, table, type InstanceView, type StateView } from './render.js';
import type { Action } from './program.js';

const path = {
  integrations: (org: string) => `/v1/orgs/${encodeURIComponent(org)}/integrations`,
  integration: (org: string, id: string) => `${path.integrations(org)}/${encodeURIComponent(id)}`,
  numbers: (org: string) => `/v1/orgs/${encodeURIComponent(org)}/numbers`,
};

/** a JSON or YAML file (`-` is stdin) as an object */
export async function readObjectFile(ctx: Context, file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = file === '-' ? await ctx.io.readStdin() : readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text); // YAML is a superset of JSON
  } catch (err) {
    throw new UsageError(`${file} is neither JSON nor YAML: ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${file} must hold one object (the integration config)`);
  return value as Record<string, unknown>;
}

interface IntegrationView {
  id: string; org: string; name: string; smscAddress: string; smscPort: number; state: string; desired: string;
  binds?: { index: number; state: string }[]; numbers?: { senderId: string; state: string }[]; [k: string]: unknown;
}

const integrationLine = (ctx: Context, v: IntegrationView) =>
  [v.id, v.name, `${v.smscAddress}:${v.smscPort}`, ctx.colour(health(v.state), v.state), v.desired,
    (v.binds ?? []).map((b) => b.state).join(' ')];

function showIntegration(ctx: Context, v: IntegrationView): void {
  ctx.print(v, () => card(ctx, v));
}

export function integrationCommands(program: Command, act: Action): void {
  const cmd = program.command('integrations').description('create, inspect, change, activate and delete integrations');
  cmd.command('list').description('the org\'s integrations').requiredOption('--org <org>', 'organisation id')
    .action(act(async (ctx, o) => {
      const r = await ctx.api<{ integrations: IntegrationView[] }>('GET', path.integrations(o.org));
      ctx.print(r.integrations, () => (r.integrations.length === 0 ? ctx.colour('dim', `no integrations in org ${o.org}`)
        : table(['id', 'name', 'smsc', 'state', 'desired', 'binds'], r.integrations.map((v) => integrationLine(ctx, v)))));
    }));
  cmd.command('show').description('one integration with its binds and numbers').requiredOption('--org <org>', 'organisation id').argument('<id>', 'integration id')
    .action(act(async (ctx, o, id: string) => showIntegration(ctx, await ctx.api('GET', path.integration(o.org, id)))));
  cmd.command('create').description('create an integration from a JSON or YAML config file (docs/api.md)')
    .requiredOption('--org <org>', 'organisation id').requiredOption('--file <file>', 'JSON or YAML config, - for stdin')
    .action(act(async (ctx, o) => showIntegration(ctx, await ctx.api('POST', path.integrations(o.org), await readObjectFile(ctx, o.file)))));
  cmd.command('update').description('change fields of an integration (PATCH) from a JSON or YAML file')
    .requiredOption('--org <org>', 'organisation id').requiredOption('--file <file>', 'JSON or YAML with the fields to change, - for stdin').argument('<id>', 'integration id')
    .action(act(async (ctx, o, id: string) => showIntegration(ctx, await ctx.api('PATCH', path.integration(o.org, id), await readObjectFile(ctx, o.file)))));
  cmd.command('credentials').description('set the SMPP system_id and password (the password is read from stdin, never from the command line)')
    .requiredOption('--org <org>', 'organisation id').requiredOption('--system-id <systemId>', 'SMPP system_id')
    .requiredOption('--password-stdin', 'read the password from stdin (first line)').argument('<id>', 'integration id')
    .action(act(async (ctx, o, id: string) => {
      const password = (await ctx.io.readStdin()).split(/\r?\n/)[0] ?? '';
      if (!password) throw new UsageError('--password-stdin: stdin was empty (e.g. printf %s "$PASSWORD" | byo-smpp integrations credentials …)');
      showIntegration(ctx, await ctx.api('PUT', `${path.integration(o.org, id)}/credentials`, { systemId: o.systemId, password }));
    }));
  for (const action of ['activate', 'deactivate'] as const) {
    cmd.command(action).description(action === 'activate' ? 'bind (desired: active)' : 'unbind (desired: inactive)')
      .requiredOption('--org <org>', 'organisation id').argument('<id>', 'integration id')
      .action(act(async (ctx, o, id: string) => showIntegration(ctx, await ctx.api('POST', `${path.integration(o.org, id)}/${action}`))));
  }
  cmd.command('delete').description('unbind, release its numbers and erase it').requiredOption('--org <org>', 'organisation id').argument('<id>', 'integration id')
    .action(act(async (ctx, o, id: string) => {
      const r = await ctx.api<{ state?: string } | undefined>('DELETE', path.integration(o.org, id));
      ctx.print(r ?? { id, org: o.org, state: 'deleted' }, () => (r?.state === 'deleting'
        ? `integration ${id} is being deleted (repeat to wait again)` : `integration ${id} deleted`));
    }));
}

interface NumberRecord { e164?: string; senderId?: string; integration?: string; type?: string; state?: string; [k: string]: unknown }

export function numberCommands(program: Command, act: Action): void {
  const cmd = program.command('numbers').description('the number inventory: import, list, show, release');
  cmd.command('import').description('import a sender number into an integration')
    .requiredOption('--org <org>', 'organisation id').requiredOption('--integration <id>', 'integration id')
    .option('--type <type>', 'local, mobile, tollfree or shortcode', 'local').option('--sender <e164>', 'the number, E.164 (+15551234567)')
    .option('--country <cc>', 'ISO country code').option('--file <file>', 'the whole import body as JSON or YAML (keywords...)')
    .action(act(async (ctx, o) => {
      const body = o.file ? await readObjectFile(ctx, o.file) : {};
      if (o.sender) body.senderId = o.sender;
      if (!body.senderId) throw new UsageError('numbers import needs --sender <e164> (or senderId in --file)');
      body.type ??= o.type;
      if (o.country) body.country = o.country;
      const r = await ctx.api<NumberRecord>('POST', `${path.integration(o.org, o.integration)}/numbers`, body);
      ctx.print(r, () => card(ctx, r));
    }));
  cmd.command('list').description('the org\'s numbers').requiredOption('--org <org>', 'organisation id').option('--integration <id>', 'only this integration\'s')
    .action(act(async (ctx, o) => {
      const q = o.integration ? `?integration=${encodeURIComponent(o.integration)}` : '';
      const r = await ctx.api<{ numbers: NumberRecord[] }>('GET', path.numbers(o.org) + q);
      const list = r.numbers ?? [];
      ctx.print(list, () => (list.length === 0 ? ctx.colour('dim', 'no numbers') : table(['number', 'type', 'integration', 'state'],
        list.map((n) => [n.e164 ?? n.senderId, n.type, n.integration, ctx.colour(health(String(n.state)), String(n.state))]))));
    }));
  cmd.command('show').description('one number').requiredOption('--org <org>', 'organisation id').argument('<e164>', 'the number')
    .action(act(async (ctx, o, n: string) => {
      const r = await ctx.api<NumberRecord>('GET', `${path.numbers(o.org)}/${phone(n)}`);
      ctx.print(r, () => card(ctx, r));
    }));
  cmd.command('release').description('release a number from its integration').requiredOption('--org <org>', 'organisation id').argument('<e164>', 'the number')
    .action(act(async (ctx, o, n: string) => {
      await ctx.api('DELETE', `${path.numbers(o.org)}/${phone(n)}`);
      ctx.print({ released: n }, () => `released ${n}`);
    }));
}

export function lookupCommands(program: Command, act: Action): void {
  program.command('subscribers').description('opt-out state of handsets').command('show')
    .description('whether HANDSET may receive messages from NUMBER, and why').requiredOption('--org <org>', 'organisation id')
    .argument('<number>', 'the sender number').argument('<handset>', 'the handset number')
    .action(act(async (ctx, o, n: string, h: string) => {
      const r = await ctx.api<{ state: string; history: { keyword: string; at: string }[] }>('GET', `${path.numbers(o.org)}/${phone(n)}/subscribers/${phone(h)}`);
      ctx.print(r, () => [card(ctx, { sender: n, handset: h, state: r.state }),
        ...r.history.map((e) => `  ${e.at}  ${e.keyword}`)].join('\n'));
    }));

  program.command('state').description('the engine instances (live, snapshot age), then integrations and their binds as a tree, coloured by health')
    .option('--org <org>', 'only this organisation').argument('[id]', 'only this integration')
    .action(act(async (ctx, o, id?: string) => {
      if (id) {
        if (!o.org) throw new UsageError('state ID needs --org');
        const view = await ctx.api<StateView>('GET', `${path.integration(o.org, id)}/state`);
        ctx.print(view, () => stateTree(ctx, [view]));
        return;
      }
      // the whole fleet: which instances answered (and how fresh each one's view is), then the tree
      const r = await ctx.api<{ instances?: InstanceView[]; integrations: StateView[] }>('GET', '/v1/state');
      const integrations = r.integrations.filter((v) => !o.org || v.org === o.org);
      const instances = r.instances ?? [];
      ctx.print({ instances, integrations }, () =>
        [...(instances.length > 0 ? [instancesTable(ctx, instances)] : []), stateTree(ctx, integrations)].join('\n'));
    }));

  program.command('trace').description('a message\'s timeline: received, each segment\'s submit_sm, receipts, final status')
    .requiredOption('--org <org>', 'organisation id').requiredOption('--integration <id>', 'integration id').argument('<messageId>', 'the MT message id')
    .action(act(async (ctx, o, messageId: string) => {
      const r = await ctx.api<{ messageId: string; timeline: TimelineEntry[] }>('GET', `${path.integration(o.org, o.integration)}/messages/${encodeURIComponent(messageId)}`);
      ctx.print(r, () => [`message ${r.messageId}`, ...(r.timeline ?? []).map((e) => timelineLine(ctx, e))].join('\n'));
    }));
}

interface TimelineEntry { at: string; kind: string; segment?: number; smscMessageId?: string; commandStatus?: number | string; status?: string; detail?: unknown }

function timelineLine(ctx: Context, e: TimelineEntry): string {
  const parts = [ctx.colour('dim', e.at), e.kind.padEnd(10)];
  if (e.segment !== undefined) parts.push(`segment ${e.segment}`);
  if (e.smscMessageId) parts.push(`smsc id ${e.smscMessageId}`);
  if (e.commandStatus !== undefined) parts.push(`command_status ${e.commandStatus}`);
  if (e.status) parts.push(ctx.colour(health(e.status), e.status));
  if (e.detail !== undefined) parts.push(ctx.colour('dim', typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail)));
  return parts.join('  ');
}
