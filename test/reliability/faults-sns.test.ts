import { createServer } from 'node:net';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, inject, it } from 'vitest';
import { createAlertDeps } from '../../shared/deps';
import { processOutbox } from '../../shared/use-cases/alerts';
import { snsAlertsTopic } from '../../shared/use-cases/alerts-topic';
import { createTestDeps } from '../support/harness';

/**
 * DESIGN.md, data flow 5: alerts are written first (outbox), then published; a publish that fails
 * stays pending and goes out on the next run, exactly once. SNS is "down" here as a closed port,
 * the way an unreachable endpoint looks to the SDK, and "up" as fauxqs with a queue subscribed.
 */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('faults: SNS unavailable while alerts go out', () => {
  it('keeps alerts pending while SNS is down and publishes each once when it is back', async () => {
    const deps = await createTestDeps();
    const endpoint = inject('awsEndpoint');
    const sns = new SNSClient({ endpoint });
    const sqs = new SQSClient({ endpoint });
    const name = `sipas-outbox-${process.pid}-${Date.now().toString(36)}`;
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }));

    const now = new Date();
    const down = createAlertDeps(
      deps.config,
      deps.db,
      snsAlertsTopic(
        TopicArn,
        new SNSClient({ endpoint: `http://127.0.0.1:${await closedPort()}`, maxAttempts: 1 }),
      ),
      () => now,
    );
    const up = createAlertDeps(deps.config, deps.db, snsAlertsTopic(TopicArn!, sns), () => now);

    const text = { subject: '[SIPAS] test', body: 'below target' };
    const ids = ['ox-a.below-target.2025-06', 'ox-b.below-target.2025-06', 'ox-c.rank-drop.2025-06'];
    for (const id of ids) {
      const [unitId, rule] = id.split('.') as [string, string];
      expect(
        await deps.alerting.alerts.recordOnce({
          id,
          unitId,
          unitPath: `/ox/${unitId}/`,
          unitName: unitId,
          parentPath: '/ox/',
          rule,
          severity: 'warning',
          severityLevel: 2,
          period: '2025-06',
          figures: { index: 71.5 },
          messages: { vi: text, en: text },
          createdAt: now.toISOString(),
        }),
      ).toBe(true);
    }

    // SNS down: every publish fails, nothing is lost, everything stays pending
    expect(await processOutbox(down)).toEqual({ sent: 0, failed: 3, escalated: 0 });
    expect((await deps.alerting.alerts.pending()).map((a) => a.id).sort()).toEqual(ids);

    // SNS back: each goes out once; a further run sends nothing
    expect(await processOutbox(up)).toEqual({ sent: 3, failed: 0, escalated: 0 });
    expect(await processOutbox(up)).toEqual({ sent: 0, failed: 0, escalated: 0 });
    expect(await deps.alerting.alerts.pending()).toEqual([]);
    for (const id of ids) expect((await deps.alerting.alerts.get(id))?.status).toBe('sent');

    const received: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      received.push(...(Messages ?? []).map((m) => m.Body ?? ''));
    }
    expect(received).toHaveLength(3);
  }, 60_000);
});
