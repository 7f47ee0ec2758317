import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createAlertDeps } from '../../shared/deps';
import { toHttpError } from '../../shared/http/errors-to-http';
import { processOutbox, raiseAlerts } from '../../shared/use-cases/alerts';
import { type AlertsTopic, snsAlertsTopic, type TopicMessage } from '../../shared/use-cases/alerts-topic';
import { filterPolicyOf } from '../../shared/use-cases/subscriptions';
import { aSnapshot } from '../support/builders';
import { createTestDeps } from '../support/harness';

const label = `${process.pid}-${Date.now().toString(36)}`;

const message = (unitPath: string, body: string): TopicMessage => ({
  subject: `[SIPAS] ${unitPath}`,
  message: body,
  attributes: { unitPath, rule: 'below-target', severity: 'warning', severityLevel: 2 },
});

describe('the alerts topic on SNS (fauxqs)', () => {
  it('publishes a batch, each message succeeding or failing on its own, with its attributes', async () => {
    const { TopicArn } = await new SNSClient({}).send(new CreateTopicCommand({ Name: `batch-${label}` }));
    const topic = snsAlertsTopic(TopicArn);
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `batch-${label}` }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await topic.subscribe('sqs', Attributes!.QueueArn!, filterPolicyOf('/hn/', 'info'));

    // SNS refuses a message over 256 KB; the others of the batch go out regardless.
    const outcomes = await topic.publishBatch([
      message('/hn/a/', 'first'),
      message('/hn/b/', 'x'.repeat(300 * 1024)),
      message('/hn/c/', 'third'),
    ]);
    expect(outcomes).toEqual([
      { published: true },
      { published: false, error: 'InvalidParameter' },
      { published: true },
    ]);

    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const delivered = (Messages ?? []).map((m) => {
      const envelope = JSON.parse(m.Body!) as {
        Subject: string;
        Message: string;
        MessageAttributes: Record<string, { Type: string; Value: string }>;
      };
      return {
        subject: envelope.Subject,
        message: envelope.Message,
        unitPath: envelope.MessageAttributes.unitPath!.Value,
        severityLevel: envelope.MessageAttributes.severityLevel,
      };
    });
    expect(delivered.sort((a, b) => a.unitPath.localeCompare(b.unitPath))).toEqual([
      {
        subject: '[SIPAS] /hn/a/',
        message: 'first',
        unitPath: '/hn/a/',
        severityLevel: { Type: 'Number', Value: '2' },
      },
      {
        subject: '[SIPAS] /hn/c/',
        message: 'third',
        unitPath: '/hn/c/',
        severityLevel: { Type: 'Number', Value: '2' },
      },
    ]);
    await expect(
      topic.publishBatch(Array.from({ length: 11 }, () => message('/hn/a/', 'x'))),
    ).rejects.toThrow(/at most 10/);
  });
});

describe('the outbox with a batch that partly fails', () => {
  it('records the published alerts as sent and gives the failed one back, to go out next run', async () => {
    const deps = await createTestDeps();
    const now = new Date('2025-03-11T00:00:00Z');
    const published: string[] = [];
    // A topic that refuses one unit's messages, as SNS refuses single entries of a batch.
    const refusing = (unitPath: string): AlertsTopic => ({
      ...snsAlertsTopic(undefined),
      publishBatch: async (messages) =>
        messages.map((m) => {
          if (m.attributes.unitPath === unitPath) return { published: false, error: 'InternalError' };
          published.push(m.attributes.unitPath);
          return { published: true };
        }),
    });
    const alerting = (topic: AlertsTopic) => createAlertDeps(deps.config, deps.db, topic, () => now);
    // 60 % with the interval [50, 70]: below the target of 80 for both units
    const low = { n: 200, index: 60, ci95: [50, 70] as [number, number] };
    const snapshots = new Map([
      [
        '2025-03',
        [
          aSnapshot({ ...low, unitId: 'u1', path: '/hn/u1/' }),
          aSnapshot({ ...low, unitId: 'u2', path: '/hn/u2/' }),
        ],
      ],
    ]);

    expect(await raiseAlerts(snapshots, alerting(refusing('/hn/u2/')))).toMatchObject({
      raised: 2,
      recorded: 2,
      sent: 1,
      failed: 1,
    });
    expect(published).toEqual(['/hn/u1/']);
    expect((await deps.alerting.alerts.get('u2.below-target.2025-03'))?.status).toBe('pending');

    // The next run sends the one left pending, and only it.
    expect(await processOutbox(alerting(refusing('none')))).toEqual({ sent: 1, failed: 0, escalated: 0 });
    expect(published).toEqual(['/hn/u1/', '/hn/u2/']);
    expect(await deps.alerting.alerts.pending()).toEqual([]);
  });

  it('answers a Subscribe SNS refuses for the caller’s reasons with 400 or 409, and its own with 500', async () => {
    // SNS's own answers in its Query protocol, from 127.0.0.1: the message is the next one asked for
    let message = '';
    const refusing = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(400, { 'content-type': 'text/xml' });
        response.end(
          '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>' +
            `<Code>InvalidParameter</Code><Message>${message}</Message></Error>` +
            '<RequestId>r-1</RequestId></ErrorResponse>',
        );
      });
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = refusing.address() as AddressInfo;
      const client = new SNSClient({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
      const topic = snsAlertsTopic('arn:aws:sns:ap-southeast-1:000000000000:alerts', client);
      const answer = async (snsSays: string) => {
        message = snsSays;
        const error = await topic
          .subscribe('sqs', 'arn:aws:sqs:ap-southeast-1:000000000000:q', filterPolicyOf('/hn/', 'info'))
          .catch((e: unknown) => e);
        return toHttpError(error);
      };
      expect(await answer('Invalid parameter: Endpoint')).toMatchObject({
        status: 400,
        details: [{ field: 'endpoint', message: 'SNS does not accept this endpoint' }],
      });
      // one subscription per endpoint and topic: the same queue for another area is a conflict
      const conflict = await answer(
        'Invalid parameter: Attributes Reason: Subscription already exists with different attributes',
      );
      expect(conflict).toMatchObject({ status: 409 });
      expect(conflict.message).not.toContain('Reason');
      // a wrong topic is the deployment's fault, not the caller's
      expect(await answer('Invalid parameter: TopicArn')).toMatchObject({ status: 500 });
    } finally {
      refusing.close();
    }
  });
});
