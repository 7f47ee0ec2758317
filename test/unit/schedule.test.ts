import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { NIGHTLY, NIGHTLY_CRON, NIGHTLY_EVENTBRIDGE_CRON } from '../../shared/schedule';

describe('the nightly schedule', () => {
  it('runs the local job at 00:30 in Hanoi, which is 17:30 UTC the evening before', () => {
    const next = new Cron(NIGHTLY_CRON, { timezone: NIGHTLY.timeZone }).nextRun(
      new Date('2026-11-29T10:00:00Z'),
    );
    expect(next?.toISOString()).toBe('2026-11-29T17:30:00.000Z');
  });

  it('gives EventBridge Scheduler the same time as a six-field cron', () => {
    expect(NIGHTLY_EVENTBRIDGE_CRON).toBe('cron(30 0 * * ? *)');
    expect(NIGHTLY.timeZone).toBe('Asia/Ho_Chi_Minh');
  });
});
