import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { createAlertDeps, type Deps } from '../../shared/deps';
import { newUlid } from '../../shared/ids';
import { type AlertsTopic, snsAlertsTopic } from '../../shared/use-cases/alerts-topic';
import { putUnit } from '../../shared/use-cases/units';
import { createTestDeps, startTestRuntime } from '../support/harness';

/**
 * The weekly digest's handler on dynalite and fauxqs: one digest per subscribed scope, and a run
 * in which some could not be published ends in an error, which is what its alarm counts.
 */
describe('the weekly digest', () => {
  let runtime: Runtime;
  let deps: Deps;
  let topicArn: string;

  beforeAll(async () => {
    // The runtime provides the configuration that importing a handler module reads.
    runtime = await startTestRuntime();
    deps = await createTestDeps();
    const created = await new SNSClient({}).send(
      new CreateTopicCommand({ Name: `digest-${process.pid}-${Date.now().toString(36)}` }),
    );
    topicArn = created.TopicArn!;
    await putUnit('hn', { name: 'Hà Nội', level: 'city', parentId: null }, '/', deps);
    await putUnit('ba-dinh', { name: 'Ba Đình', level: 'district', parentId: 'hn' }, '/', deps);
    for (const [unitId, unitPath] of [
      ['hn', '/hn/'],
      ['ba-dinh', '/hn/ba-dinh/'],
    ] as const) {
      await deps.subscriptions.put({
        id: newUlid(),
        owner: 'official',
        unitId,
        unitPath,
        protocol: 'email',
        endpoint: `${unitId}@example.gov.vn`,
        minSeverity: 'info',
        subscriptionArn: `${topicArn}:${unitId}`,
        createdAt: '2026-05-01T00:00:00.000Z',
      });
    }
  });
  afterAll(() => runtime?.stop());

  const withTopic = (topic: AlertsTopic): Deps => ({
    ...deps,
    alerting: createAlertDeps(deps.config, deps.db, topic),
  });
  /** The topic with its publishing in the test's hands: each digest's scope path is recorded. */
  const recording = (scopes: string[], refuse?: string): AlertsTopic => ({
    ...snsAlertsTopic(topicArn),
    publish: async (message) => {
      scopes.push(message.attributes.unitPath);
      if (message.attributes.unitPath === refuse) throw new Error('SNS is down');
    },
  });

  it('publishes one digest per subscribed scope', async () => {
    const { makeHandler } = await import('../../functions/digest');
    expect(await makeHandler(withTopic(snsAlertsTopic(topicArn)))()).toEqual({
      scopes: 2,
      published: 2,
      failed: 0,
    });
  });

  it('ends in an error when a digest could not be published, after trying every scope', async () => {
    const { makeHandler } = await import('../../functions/digest');
    const tried: string[] = [];
    await expect(makeHandler(withTopic(recording(tried, '/hn/ba-dinh/')))()).rejects.toThrow(
      '1 of 2 digests were not published',
    );
    expect(tried.sort()).toEqual(['/hn/', '/hn/ba-dinh/']);
  });

  it('goes on to the other scopes when one scope’s data cannot be read', async () => {
    const { makeHandler } = await import('../../functions/digest');
    const published: string[] = [];
    const alerting = createAlertDeps(deps.config, deps.db, recording(published));
    const unreadable = Object.assign(Object.create(alerting.results), {
      siblings: async (parentId: string | null, period: string) => {
        if (parentId === 'hn') throw new Error('the database went away');
        return alerting.results.siblings(parentId, period);
      },
    });
    await expect(makeHandler({ ...deps, alerting: { ...alerting, results: unreadable } })()).rejects.toThrow(
      '1 of 2 digests were not published',
    );
    expect(published).toEqual(['/hn/ba-dinh/']);
  });
});
