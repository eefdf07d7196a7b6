// Queue depth per integration for the console: BYO_MT is a work queue, so what it holds per subject
// is exactly the backlog (waiting, or taken and not yet acknowledged). One stream-info request
// answers for every integration.
import type { JetStreamManager } from '@nats-io/jetstream';
import { STREAMS, subjects } from './subjects.js';

export async function mtQueueDepths(jsm: JetStreamManager): Promise<Map<string, number>> {
  const info = await jsm.streams.info(STREAMS.mt, { subjects_filter: subjects.mtAll });
  const depths = new Map<string, number>();
  for (const [subject, count] of Object.entries(info.state.subjects ?? {})) {
    const to = subjects.parseMt(subject);
    if (to) depths.set(`${to.org}.${to.integration}`, count);
  }
  return depths;
}
