// The parking figures on /metrics (src/adapters/metrics.ts): read from the engine's ParkingLot at
// scrape time; absent parking (BYO_MT_PARKED_CHECK_MS=0) reads as none parked.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/adapters/metrics.js';

describe('parking metrics', () => {
  it('shows the consumers parked now and the wake-ups by reason', async () => {
    const m = createMetrics();
    const parking = { size: 7, woken: { message: 3, waiting: 1, reconnect: 0, sweep: 2, error: 0 } };
    m.observe({ integrations: { localViews: () => [] }, outbound: { depth: () => [], parking } });
    let text = await m.text();
    expect(text).toMatch(/^byo_mt_parked_consumers 7$/m);
    expect(text).toMatch(/^byo_mt_parked_wakeups_total\{reason="message"\} 3$/m);
    expect(text).toMatch(/^byo_mt_parked_wakeups_total\{reason="sweep"\} 2$/m);
    parking.size = 2;
    parking.woken.message = 5;
    text = await m.text();
    expect(text).toMatch(/^byo_mt_parked_consumers 2$/m);
    expect(text).toMatch(/^byo_mt_parked_wakeups_total\{reason="message"\} 5$/m);
  });

  it('reads as none parked with parking off', async () => {
    const m = createMetrics();
    m.observe({ integrations: { localViews: () => [] }, outbound: { depth: () => [] } });
    expect(await m.text()).toMatch(/^byo_mt_parked_consumers 0$/m);
  });
});
