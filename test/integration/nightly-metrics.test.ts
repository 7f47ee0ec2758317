import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { createAlertDeps, type Deps } from '../../shared/deps';
import type { Rating } from '../../shared/domain';
import { snsAlertsTopic } from '../../shared/use-cases/alerts-topic';
import { putUnit } from '../../shared/use-cases/units';
import { createTestDeps, startTestRuntime } from '../support/harness';

const DAY = '2026-05-04';

/** Everything written to stdout while `run` runs, line by line. */
async function stdoutOf(run: () => Promise<unknown>): Promise<string[]> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return chunks.join('').split('\n').filter(Boolean);
}

/**
 * The nightly job's business metrics (issue 8: NightlyJobDuration, AlertPublished) as the EMF
 * lines CloudWatch reads, from the real handler on dynalite with alerts published to fauxqs.
 */
describe('the nightly job’s metrics', () => {
  let runtime: Runtime;
  let deps: Deps;

  beforeAll(async () => {
    // The runtime provides the configuration that importing a handler module reads.
    runtime = await startTestRuntime();
    const base = await createTestDeps({ policy: { minN: 1, peerMargin: 5 } });
    const { TopicArn } = await new SNSClient({}).send(
      new CreateTopicCommand({ Name: `metrics-${process.pid}-${Date.now().toString(36)}` }),
    );
    const config = { ...base.config, METRICS: 'emf' as const };
    deps = { ...base, config, alerting: createAlertDeps(config, base.db, snsAlertsTopic(TopicArn)) };
    await putUnit('hn', { name: 'Hà Nội', level: 'city', parentId: null }, '/', deps);
    await putUnit('a', { name: 'Phường A', level: 'ward', parentId: 'hn' }, '/', deps);
    for (const i of [1, 2, 3]) {
      const rating: Rating = {
        id: `m${i}`,
        submissionId: `metrics-${i}`,
        unitId: 'a',
        receivedAt: `${DAY}T05:00:00.000Z`,
        day: DAY,
        instrument: 'sipas-2023',
        instrumentVersion: 1,
        answers: { 'staff.polite': 1 },
        lang: 'vi',
        source: 'survey',
      };
      await deps.ratings.store(rating);
    }
  });
  afterAll(() => runtime?.stop());

  it('reports the run’s duration and the alerts it published', async () => {
    const { makeHandler } = await import('../../functions/nightly');
    const lines = await stdoutOf(() => makeHandler(deps)({ day: DAY }, { awsRequestId: 'metrics-run' }));
    const emf = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry._aws !== undefined);
    // May's index of a and of the city is 0 (three 1s), far below the 80 % target: two alerts
    expect(emf.find((entry) => 'AlertPublished' in entry)).toMatchObject({ AlertPublished: 2 });
    const duration = emf.find((entry) => 'NightlyJobDuration' in entry);
    expect(duration).toMatchObject({ units: '2', ratings: '3' });
    expect(duration!.NightlyJobDuration).toBeGreaterThan(0);
  });
});
