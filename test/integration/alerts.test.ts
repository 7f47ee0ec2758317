import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Runtime, startRuntime } from '../../infra/local/runtime';
import { createAlertDeps } from '../../shared/deps';
import type { Unit } from '../../shared/domain';
import { createDb } from '../../shared/store/dynamo';
import { SubscriptionsRepository } from '../../shared/store/subscriptions-repo';
import { UnitsRepository } from '../../shared/store/units-repo';
import { processOutbox, raiseAlerts } from '../../shared/use-cases/alerts';
import { snsAlertsTopic } from '../../shared/use-cases/alerts-topic';
import { filterPolicyOf, subscribe, unsubscribe } from '../../shared/use-cases/subscriptions';
import { aSnapshot } from '../support/builders';
import { call, createTestDeps, uniqueTableName } from '../support/harness';
import { departures } from '../support/openapi-conformance';

const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const label = `${process.pid}-${Date.now().toString(36)}`;

interface Delivered {
  unitPath: string;
  rule: string;
  severity: string;
  severityLevel: number;
  escalatedFrom?: string;
  alertId?: string;
  subject: string;
  message: string;
}

async function createQueue(name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${label}` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** Every message in the queue now, deleted as read. SNS delivers to SQS as an envelope. */
async function drain(queueUrl: string): Promise<Delivered[]> {
  const delivered: Delivered[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!Messages?.length) return delivered;
    for (const message of Messages) {
      const envelope = JSON.parse(message.Body!) as {
        Subject: string;
        Message: string;
        MessageAttributes: Record<string, { Value: string }>;
      };
      const attributes = envelope.MessageAttributes;
      delivered.push({
        unitPath: attributes.unitPath!.Value,
        rule: attributes.rule!.Value,
        severity: attributes.severity!.Value,
        severityLevel: Number(attributes.severityLevel!.Value),
        ...(attributes.escalatedFrom ? { escalatedFrom: attributes.escalatedFrom.Value } : {}),
        ...(attributes.alertId ? { alertId: attributes.alertId.Value } : {}),
        subject: envelope.Subject,
        message: envelope.Message,
      });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    }
  }
}

// Period rules run on months only by default (ALERT_PERIODS): the day, quarter and year of the
// same ratings raise nothing more.
const PERIODS = ['2025-03'];

/** "unit rule" for each period, sorted: what a queue should hold. */
function expected(...alerts: string[]): string[] {
  return alerts.flatMap((alert) => PERIODS.map((period) => `${alert} ${period}`)).sort();
}

/** The period a message is about, read back from its Vietnamese wording. */
function periodOf(message: string): string {
  const day = /ngày (\d{2})\/(\d{2})\/(\d{4})/.exec(message);
  if (day) return `${day[3]}-${day[2]}-${day[1]}`;
  const month = /tháng (\d{2})\/(\d{4})/.exec(message);
  if (month) return `${month[2]}-${month[1]}`;
  const quarter = /quý (\d)\/(\d{4})/.exec(message);
  if (quarter) return `${quarter[2]}-Q${quarter[1]}`;
  return /năm (\d{4})/.exec(message)![1]!;
}

const unitOfPath = (path: string) => path.split('/').filter(Boolean).at(-1)!;

describe('alerts through subscriptions on the local runtime', () => {
  let runtime: Runtime;
  let admin: string;
  let badinhOfficial: string;
  const queues: Record<
    'badinhWarning' | 'cityCritical' | 'phucxaCritical' | 'badinh2Info',
    { url: string; arn: string }
  > = {} as never;

  beforeAll(async () => {
    runtime = await startRuntime({
      port: 0,
      awsPort: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'sipas-alerts-')),
      dynamoEndpoint: inject('dynamoEndpoint'),
      awsEndpoint: inject('awsEndpoint'),
      tableName: uniqueTableName('alerts'),
      topicName: `sipas-alerts-${label}`,
    });
    admin = await runtime.token({ role: 'admin' });
    badinhOfficial = await runtime.token({
      role: 'official',
      unitId: 'ba-dinh',
      subject: 'official-ba-dinh',
    });
    const units = [
      ['hn', 'Hà Nội', 'city', null],
      ['ba-dinh', 'Ba Đình', 'district', 'hn'],
      ['ba-dinh-2', 'Ba Đình 2', 'district', 'hn'],
      ['phuc-xa', 'Phường Phúc Xá', 'ward', 'ba-dinh'],
      ['kim-ma', 'Phường Kim Mã', 'ward', 'ba-dinh'],
      ['giang-vo', 'Phường Giảng Võ', 'ward', 'ba-dinh-2'],
    ] as const;
    for (const [id, name, level, parentId] of units) {
      const put = await call(runtime, 'PUT', `/v1/units/${id}`, {
        token: admin,
        body: { name, level, ...(parentId ? { parentId } : {}) },
      });
      expect(put.status).toBe(201);
    }
    for (const name of ['badinhWarning', 'cityCritical', 'phucxaCritical', 'badinh2Info'] as const) {
      queues[name] = await createQueue(name);
    }
  });
  afterAll(() => runtime?.stop());

  it('refuses a subscription outside the official’s subtree, and a bad endpoint, writing nothing', async () => {
    for (const unitId of ['ba-dinh-2', 'hn']) {
      const refused = await call(runtime, 'POST', '/v1/subscriptions', {
        token: badinhOfficial,
        body: { protocol: 'sqs', endpoint: queues.badinhWarning.arn, unitId, minSeverity: 'warning' },
      });
      expect(refused.status).toBe(403);
    }
    const bad = await call(runtime, 'POST', '/v1/subscriptions', {
      token: badinhOfficial,
      body: { protocol: 'email', endpoint: 'not-an-address', unitId: 'ba-dinh', minSeverity: 'warning' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'endpoint' })]);
    expect((await call(runtime, 'GET', '/v1/subscriptions', { token: admin })).body).toEqual([]);
  });

  it('delivers exactly the alerts each filter selects, once, even after a re-run', async () => {
    const subscribe = async (token: string, queue: { arn: string }, unitId: string, minSeverity: string) => {
      const made = await call(runtime, 'POST', '/v1/subscriptions', {
        token,
        body: { protocol: 'sqs', endpoint: queue.arn, unitId, minSeverity },
      });
      expect(made.status).toBe(201);
      return made.body;
    };
    const own = await subscribe(badinhOfficial, queues.badinhWarning, 'ba-dinh', 'warning');
    expect(own).toMatchObject({
      unitPath: '/hn/ba-dinh/',
      minSeverity: 'warning',
      owner: 'official-ba-dinh',
    });
    expect(own).not.toHaveProperty('subscriptionArn');
    await subscribe(badinhOfficial, queues.phucxaCritical, 'phuc-xa', 'critical');
    const adminsCity = await subscribe(admin, queues.cityCritical, 'hn', 'critical');
    await subscribe(admin, queues.badinh2Info, 'ba-dinh-2', 'info');

    expect((await call(runtime, 'GET', '/v1/subscriptions', { token: badinhOfficial })).body).toHaveLength(2);
    expect((await call(runtime, 'GET', '/v1/subscriptions', { token: admin })).body).toHaveLength(4);
    expect(
      (await call(runtime, 'DELETE', `/v1/subscriptions/${adminsCity.id}`, { token: badinhOfficial })).status,
    ).toBe(403);

    // One day of ratings on staff.polite (levels 1..5; 4 and 5 are satisfied):
    //   phuc-xa  40 × level 2            → 0 %,  Wilson upper 8.76 %            → below-target critical
    //   kim-ma   70 × level 4, 30 × 3    → 70 %, Wilson upper 78.11 % (< 80)    → below-target warning
    //   giang-vo 40 × level 1            → 0 %                                  → below-target critical
    // pooled: ba-dinh 70/140 = 50 % (upper ≈ 58) and ba-dinh-2 0 % → critical; hn 70/180 = 38.9 % → critical.
    // below-peers: phuc-xa's staff 0 vs kim-ma's 70 (gap 70 ≥ 10 → warning); ba-dinh-2's 0 vs ba-dinh's 50
    // (warning). No previous period, so no drop or rank rule; no 28-day baseline, so no spike.
    const rating = (unitId: string, level: number, i: number) => ({
      unitId,
      receivedAt: `2025-03-10T0${i % 8}:${String(i % 60).padStart(2, '0')}:00+07:00`,
      answers: { 'staff.polite': level },
    });
    const ratings = [
      ...Array.from({ length: 40 }, (_, i) => rating('phuc-xa', 2, i)),
      ...Array.from({ length: 100 }, (_, i) => rating('kim-ma', i < 70 ? 4 : 3, i)),
      ...Array.from({ length: 40 }, (_, i) => rating('giang-vo', 1, i)),
    ];
    const imported = await call(runtime, 'POST', '/v1/ratings/import', { token: admin, body: { ratings } });
    expect(imported.status).toBe(200);
    expect(imported.body.accepted).toBe(180);

    await runtime.runNightly({ day: '2025-03-10' });
    const read = async (queue: { url: string }) =>
      (await drain(queue.url))
        .map((m) => `${unitOfPath(m.unitPath)} ${m.rule} ${periodOf(m.message)}`)
        .sort();

    expect(await read(queues.badinhWarning)).toEqual(
      expected('ba-dinh below-target', 'kim-ma below-target', 'phuc-xa below-peers', 'phuc-xa below-target'),
    );
    expect(await read(queues.cityCritical)).toEqual(
      expected(
        'ba-dinh below-target',
        'ba-dinh-2 below-target',
        'giang-vo below-target',
        'hn below-target',
        'phuc-xa below-target',
      ),
    );
    expect(await read(queues.phucxaCritical)).toEqual(expected('phuc-xa below-target'));
    // /hn/ba-dinh/ above never caught /hn/ba-dinh-2/; this one catches only its own subtree
    expect(await read(queues.badinh2Info)).toEqual(
      expected('ba-dinh-2 below-peers', 'ba-dinh-2 below-target', 'giang-vo below-target'),
    );

    await runtime.runNightly({ day: '2025-03-10' });
    for (const queue of Object.values(queues)) expect(await drain(queue.url)).toEqual([]);
  });

  it('lists alerts within the official’s area and takes one acknowledgement', async () => {
    const listed = await call(runtime, 'GET', '/v1/alerts?from=2020-01-01&to=2030-12-31', {
      token: badinhOfficial,
    });
    expect(listed.status).toBe(400); // more than 366 days
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const mine = await call(runtime, 'GET', `/v1/alerts?from=${today}&to=${today}`, {
      token: badinhOfficial,
    });
    expect(mine.status).toBe(200);
    expect(mine.body).toHaveLength(4);
    expect(new Set(mine.body.map((a: { unitId: string }) => a.unitId))).toEqual(
      new Set(['ba-dinh', 'phuc-xa', 'kim-ma']),
    );
    expect((await call(runtime, 'GET', '/v1/alerts?unit=ba-dinh-2', { token: badinhOfficial })).status).toBe(
      403,
    );

    const alert = mine.body.find((a: { id: string }) => a.id === 'kim-ma.below-target.2025-03');
    expect(alert).toMatchObject({
      severity: 'warning',
      status: 'sent',
      figures: { index: 70, ci95High: 78.11, target: 80, n: 100 },
    });
    expect(alert.messages.vi).toContain('Phường Kim Mã');
    expect(alert.messages.vi).toContain(
      'Chỉ số hài lòng là 70,00 % (khoảng tin cậy 95 %: 60,42–78,11 %, 100 phiếu)',
    );
    expect(alert.messages.vi).toContain('/dashboard?unit=kim-ma');

    const acked = await call(runtime, 'POST', `/v1/alerts/${alert.id}/ack`, {
      token: badinhOfficial,
      body: { note: 'Đã họp với bộ phận một cửa' },
    });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ ackedBy: 'official-ba-dinh', ackNote: 'Đã họp với bộ phận một cửa' });
    const again = await call(runtime, 'POST', `/v1/alerts/${alert.id}/ack`, {
      token: badinhOfficial,
      body: { note: 'again' },
    });
    expect(again.status).toBe(409);
    const outside = await call(runtime, 'POST', '/v1/alerts/giang-vo.below-target.2025-03/ack', {
      token: badinhOfficial,
      body: { note: 'x' },
    });
    expect(outside.status).toBe(403);
    // an alert that does not exist looks the same to an official: ids are guessable (unit.rule.period)
    const none = (token: string) =>
      call(runtime, 'POST', '/v1/alerts/nowhere.below-target.2025-03/ack', { token, body: { note: 'x' } });
    expect((await none(badinhOfficial)).status).toBe(403);
    expect((await none(admin)).status).toBe(404);
    // no token: API Gateway's authorizer answers in its own shape, as the document says
    const anonymous = await call(runtime, 'POST', `/v1/alerts/${alert.id}/ack`, { body: { note: 'x' } });
    expect([anonymous.status, anonymous.body]).toEqual([401, { message: 'Unauthorized' }]);
    expect(departures('POST', '/v1/alerts/{id}/ack', 401, anonymous.body)).toEqual([]);
    const empty = await call(runtime, 'POST', `/v1/alerts/${alert.id}/ack`, {
      token: badinhOfficial,
      body: { note: '' },
    });
    expect(empty.status).toBe(400);
  });

  it('removes a subscription at SNS and in the records', async () => {
    const [mine] = (await call(runtime, 'GET', '/v1/subscriptions', { token: badinhOfficial })).body as {
      id: string;
    }[];
    expect(
      (await call(runtime, 'DELETE', `/v1/subscriptions/${mine!.id}`, { token: badinhOfficial })).status,
    ).toBe(204);
    expect((await call(runtime, 'GET', '/v1/subscriptions', { token: badinhOfficial })).body).toHaveLength(1);
    expect(
      (await call(runtime, 'DELETE', `/v1/subscriptions/${mine!.id}`, { token: badinhOfficial })).status,
    ).toBe(404);
  });

  it('keeps one record of a subscription asked for twice, and the SNS one while another record stands for it', async () => {
    const queue = await createQueue('shared');
    const body = { protocol: 'sqs', endpoint: queue.arn, unitId: 'kim-ma', minSeverity: 'info' };
    const post = (token: string) => call(runtime, 'POST', '/v1/subscriptions', { token, body });
    const remove = (token: string, id: string) =>
      call(runtime, 'DELETE', `/v1/subscriptions/${id}`, { token });
    const ofQueue = async () =>
      (
        await new SNSClient({}).send(new ListSubscriptionsByTopicCommand({ TopicArn: runtime.topicArn }))
      ).Subscriptions!.filter((subscription) => subscription.Endpoint === queue.arn);

    // sent twice at the same moment, and once more: one record
    const [first, twin] = await Promise.all([post(badinhOfficial), post(badinhOfficial)]);
    const again = await post(badinhOfficial);
    expect(first.body.id).toMatch(/^[0-9A-Z]{26}$/);
    expect([twin.body.id, again.body.id]).toEqual([first.body.id, first.body.id]);
    const mine = (await call(runtime, 'GET', '/v1/subscriptions', { token: badinhOfficial })).body as {
      endpoint: string;
    }[];
    expect(mine.filter((subscription) => subscription.endpoint === queue.arn)).toHaveLength(1);
    expect(await ofQueue()).toHaveLength(1);

    // an administrator subscribes the same queue to the same area: SNS has one subscription for both
    const admins = await post(admin);
    expect(admins.body.id).not.toBe(first.body.id);
    expect(await ofQueue()).toHaveLength(1);
    // one of the two lets go: the other keeps it
    expect((await remove(badinhOfficial, first.body.id)).status).toBe(204);
    expect(await ofQueue()).toHaveLength(1);
    expect((await remove(admin, admins.body.id)).status).toBe(204);
    expect(await ofQueue()).toHaveLength(0);

    // both let go at the same moment: it goes with the last record, not before and not never
    const [mineAgain, adminsAgain] = [await post(badinhOfficial), await post(admin)];
    const deleted = await Promise.all([
      remove(badinhOfficial, mineAgain.body.id),
      remove(admin, adminsAgain.body.id),
    ]);
    expect(deleted.map((answer) => answer.status)).toEqual([204, 204]);
    expect(await ofQueue()).toHaveLength(0);
  });
  it('lists a subscription its endpoint left as gone, and replaces it when the endpoint subscribes again', async () => {
    const queue = await createQueue('left');
    const body = { protocol: 'sqs', endpoint: queue.arn, unitId: 'kim-ma', minSeverity: 'info' };
    const post = () => call(runtime, 'POST', '/v1/subscriptions', { token: badinhOfficial, body });
    const ofQueue = async () =>
      (await call(runtime, 'GET', '/v1/subscriptions', { token: badinhOfficial })).body.filter(
        (record: { endpoint: string }) => record.endpoint === queue.arn,
      ) as { id: string; status: string }[];
    const atSns = async () =>
      (
        await new SNSClient({}).send(new ListSubscriptionsByTopicCommand({ TopicArn: runtime.topicArn }))
      ).Subscriptions!.filter((subscription) => subscription.Endpoint === queue.arn);

    const first = await post();
    expect(first.status).toBe(201);
    expect(await ofQueue()).toEqual([expect.objectContaining({ id: first.body.id, status: 'confirmed' })]);
    // the endpoint leaves it at SNS (an e-mail's unsubscribe link does this), unknown to the records
    const [left] = await atSns();
    await new SNSClient({}).send(new UnsubscribeCommand({ SubscriptionArn: left!.SubscriptionArn! }));
    expect(await ofQueue()).toEqual([expect.objectContaining({ id: first.body.id, status: 'gone' })]);
    // asked again, twice at once (a double click): SNS makes one new subscription, the record of
    // the gone one goes, and both answers are the one new record
    const [again, twin] = await Promise.all([post(), post()]);
    expect([again.status, twin.status]).toEqual([201, 201]);
    expect(again.body.id).not.toBe(first.body.id);
    expect(twin.body.id).toBe(again.body.id);
    expect(await ofQueue()).toEqual([expect.objectContaining({ id: again.body.id, status: 'confirmed' })]);
    expect(await atSns()).toHaveLength(1);
    expect(
      (await call(runtime, 'DELETE', `/v1/subscriptions/${again.body.id}`, { token: badinhOfficial })).status,
    ).toBe(204);
    expect(await atSns()).toHaveLength(0);
  });

  it('refuses a subscribe that lands while the last record’s SNS subscription is being removed, and makes a new one after', async () => {
    const queue = await createQueue('closing');
    const db = createDb(runtime.tableName);
    const topic = snsAlertsTopic(runtime.topicArn);
    const deps = {
      units: new UnitsRepository(db),
      subscriptions: new SubscriptionsRepository(db),
      topic,
      clock: () => new Date(),
    };
    const official = { role: 'official', subject: 'official-ba-dinh', unitId: 'ba-dinh' } as const;
    const colleague = { role: 'official', subject: 'colleague-ba-dinh', unitId: 'ba-dinh' } as const;
    const input = { protocol: 'sqs', endpoint: queue.arn, unitId: 'kim-ma', minSeverity: 'info' } as const;
    const ofQueue = async () =>
      (
        await new SNSClient({}).send(new ListSubscriptionsByTopicCommand({ TopicArn: runtime.topicArn }))
      ).Subscriptions!.filter((subscription) => subscription.Endpoint === queue.arn);

    const mine = await subscribe(input, official, deps);
    const mineArn = (await deps.subscriptions.get(mine.id))!.subscriptionArn;
    // The colleague subscribes the same queue to the same area just as the official's record, the
    // last for it, lets go: after that, and before SNS's Unsubscribe.
    let during: unknown;
    const racing = {
      ...deps,
      topic: {
        ...topic,
        unsubscribe: async (arn: string) => {
          during = await subscribe(input, colleague, deps).catch((error: Error) => error);
          await topic.unsubscribe(arn);
        },
      },
    };
    await unsubscribe(mine.id, official, racing);
    expect(during).toMatchObject({ name: 'ServiceUnavailableError', retryAfterSeconds: 2 });
    expect(await ofQueue()).toHaveLength(0);
    // A subscribe that SNS answered with it before, slower still, comes to hold it only now that it
    // is gone: refused all the same.
    // (past the removal's own 60 s, so it is the gone mark that refuses)
    const later = new Date(Date.now() + 61_000).toISOString();
    expect(await deps.subscriptions.hold(mineArn, 'latecomer', later)).toBe(false);
    expect((await deps.subscriptions.ofOwner('colleague-ba-dinh')).length).toBe(0);

    // Asked again, SNS makes a new subscription, and the record stands for one that exists.
    const again = await subscribe(input, colleague, deps);
    const live = await ofQueue();
    expect(live).toHaveLength(1);
    expect((await deps.subscriptions.get(again.id))!.subscriptionArn).toBe(live[0]!.SubscriptionArn);
    await unsubscribe(again.id, colleague, deps);
    expect(await ofQueue()).toHaveLength(0);

    // A remover that died after marking frees the subscription when its time is up, and a held
    // subscription cannot be marked.
    const arn = `${runtime.topicArn}:closing-${label}`;
    expect(await deps.subscriptions.close(arn, '2026-01-01T00:01:00.000Z')).toBe(true);
    expect(await deps.subscriptions.hold(arn, 'A', '2026-01-01T00:00:59.999Z')).toBe(false);
    expect(await deps.subscriptions.hold(arn, 'A', '2026-01-01T00:01:00.001Z')).toBe(true);
    expect(await deps.subscriptions.close(arn, '2026-01-01T00:02:00.000Z')).toBe(false);
  });

  it('takes over a record made before holders were counted, and keeps a subscription such a record holds', async () => {
    const queue = await createQueue('legacy');
    const path = '/hn/ba-dinh/kim-ma/';
    const arn = await snsAlertsTopic(runtime.topicArn).subscribe(
      'sqs',
      queue.arn,
      filterPolicyOf(path, 'info'),
    );
    const records = new SubscriptionsRepository(createDb(runtime.tableName));
    const legacy = (owner: string, id: string) =>
      records.put({
        id,
        owner,
        unitId: 'kim-ma',
        unitPath: path,
        protocol: 'sqs',
        endpoint: queue.arn,
        minSeverity: 'info',
        subscriptionArn: arn,
        createdAt: '2026-01-01T00:00:00.000Z',
      });
    // records from before session 4: random ids, not counted among the holders
    await legacy('official-ba-dinh', '01JAAAAAAAAAAAAAAAAAAAAAAA');
    await legacy('dev-admin', '01JBBBBBBBBBBBBBBBBBBBBBBB');
    const body = { protocol: 'sqs', endpoint: queue.arn, unitId: 'kim-ma', minSeverity: 'info' };
    const again = await call(runtime, 'POST', '/v1/subscriptions', { token: badinhOfficial, body });
    expect(again.body.id).toBe('01JAAAAAAAAAAAAAAAAAAAAAAA');
    const ofQueue = async () =>
      (
        await new SNSClient({}).send(new ListSubscriptionsByTopicCommand({ TopicArn: runtime.topicArn }))
      ).Subscriptions!.filter((subscription) => subscription.Endpoint === queue.arn);
    // the official's record, now counted, goes; the administrator's older one still holds the queue
    const removed = await call(runtime, 'DELETE', `/v1/subscriptions/${again.body.id}`, {
      token: badinhOfficial,
    });
    expect(removed.status).toBe(204);
    expect(await ofQueue()).toHaveLength(1);
    expect(
      (await call(runtime, 'DELETE', '/v1/subscriptions/01JBBBBBBBBBBBBBBBBBBBBBBB', { token: admin }))
        .status,
    ).toBe(204);
    expect(await ofQueue()).toHaveLength(0);
  });

  it('moves a unit’s subscriptions with it, and gives its alerts to its new superiors', async () => {
    const queue = await createQueue('mover');
    const put = (parentId: string) =>
      call(runtime, 'PUT', '/v1/units/mover', {
        token: admin,
        body: { name: 'Phường Dời Đi', level: 'ward', parentId },
      });
    const importDay = async (day: string) => {
      const ratings = Array.from({ length: 40 }, (_, i) => ({
        unitId: 'mover',
        receivedAt: `${day}T0${i % 8}:${String(i % 60).padStart(2, '0')}:00+07:00`,
        answers: { 'staff.polite': 1 },
      }));
      expect(
        (await call(runtime, 'POST', '/v1/ratings/import', { token: admin, body: { ratings } })).status,
      ).toBe(200);
      await runtime.runNightly({ day });
    };
    const mine = (delivered: Delivered[]) =>
      delivered.filter((m) => unitOfPath(m.unitPath) === 'mover' && m.rule === 'below-target');
    expect((await put('ba-dinh')).status).toBe(201);
    const made = await call(runtime, 'POST', '/v1/subscriptions', {
      token: admin,
      body: { protocol: 'sqs', endpoint: queue.arn, unitId: 'mover', minSeverity: 'info' },
    });
    expect(made.status).toBe(201);
    // May, under Ba Đình: 40 ratings of 1, 0 % (below-target)
    await importDay('2025-05-10');
    expect(mine(await drain(queue.url)).map((m) => m.unitPath)).toEqual(['/hn/ba-dinh/mover/']);

    expect((await put('ba-dinh-2')).status).toBe(200);
    const records = (await call(runtime, 'GET', '/v1/subscriptions', { token: admin })).body as {
      id: string;
      unitPath: string;
    }[];
    expect(records.find((record) => record.id === made.body.id)?.unitPath).toBe('/hn/ba-dinh-2/mover/');
    // June, under Ba Đình 2: the subscription still reaches the unit at its new path
    await importDay('2025-06-10');
    expect(mine(await drain(queue.url)).map((m) => m.unitPath)).toEqual(['/hn/ba-dinh-2/mover/']);

    // May's alert was raised under Ba Đình, whose officials list it; the unit is Ba Đình 2's now,
    // whose officials get its escalation: either may acknowledge it, and the first one stands
    const badinh2Official = await runtime.token({
      role: 'official',
      unitId: 'ba-dinh-2',
      subject: 'official-ba-dinh-2',
    });
    const ack = (token: string) =>
      call(runtime, 'POST', '/v1/alerts/mover.below-target.2025-05/ack', {
        token,
        body: { note: 'Đã xử lý' },
      });
    expect((await ack(badinh2Official)).status).toBe(200);
    expect((await ack(badinhOfficial)).status).toBe(409);
    const hcmOfficial = await runtime.token({
      role: 'official',
      unitId: 'giang-vo',
      subject: 'official-giang-vo',
    });
    expect((await ack(hcmOfficial)).status).toBe(403);

    // A record a move cut short left behind (its path is no unit's), for a subscription SNS no
    // longer has (its owner left it): the next PUT of the unit puts it right all the same.
    const store = new SubscriptionsRepository(createDb(runtime.tableName));
    const left = { ...(await store.get(made.body.id))! };
    await store.put({
      ...left,
      id: '01JCCCCCCCCCCCCCCCCCCCCCCC',
      unitPath: '/hn/ba-dinh/mover/',
      subscriptionArn: `${runtime.topicArn}:gone-${label}`,
    });
    expect((await put('ba-dinh-2')).status).toBe(200);
    expect((await store.get('01JCCCCCCCCCCCCCCCCCCCCCCC'))!.unitPath).toBe('/hn/ba-dinh-2/mover/');
    // a record deleted while its unit moved (an unsubscribe at that moment) is not brought back
    expect(await store.replace({ ...left, id: '01JDDDDDDDDDDDDDDDDDDDDDDD' })).toBe(false);
    expect(await store.get('01JDDDDDDDDDDDDDDDDDDDDDDD')).toBeUndefined();
  });
});

/** A unit written straight to the table, as the outbox tests need one: by id, parent and path. */
function putStoredUnit(
  deps: { units: { put(unit: Unit): Promise<void> } },
  id: string,
  parentId: string | null,
  path: string,
  at: Date,
) {
  return deps.units.put({
    id,
    name: id,
    parentId,
    path,
    level: 'unit',
    instrument: 'sipas-2023',
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  });
}

describe('the outbox when SNS is down, and escalation', () => {
  it('escalates to the parent the unit has now, after a move', async () => {
    const deps = await createTestDeps();
    const now = new Date('2025-03-11T01:00:00Z');
    const unit = (id: string, parentId: string | null, path: string) =>
      putStoredUnit(deps, id, parentId, path, now);
    await unit('hn', null, '/hn/');
    await unit('ba-dinh', 'hn', '/hn/ba-dinh/');
    await unit('ba-dinh-2', 'hn', '/hn/ba-dinh-2/');
    await unit('phuc-xa', 'ba-dinh', '/hn/ba-dinh/phuc-xa/');
    const { TopicArn } = await new SNSClient({}).send(
      new CreateTopicCommand({ Name: `sipas-moved-${label}` }),
    );
    const topic = snsAlertsTopic(TopicArn);
    const oldParent = await createQueue('moved-old-parent');
    const newParent = await createQueue('moved-new-parent');
    await topic.subscribe('sqs', oldParent.arn, filterPolicyOf('/hn/ba-dinh/', 'info'));
    await topic.subscribe('sqs', newParent.arn, filterPolicyOf('/hn/ba-dinh-2/', 'info'));
    const at = (date: Date) => createAlertDeps(deps.config, deps.db, topic, () => date);
    const snapshot = aSnapshot({ n: 200, index: 60, ci95: [50, 70] });
    expect(await raiseAlerts(new Map([['2025-03', [snapshot]]]), at(now))).toMatchObject({ sent: 1 });
    expect(await drain(oldParent.url)).toHaveLength(1); // raised under Ba Đình

    // Phúc Xá moves to Ba Đình 2; nobody acknowledges; 73 hours later it goes up to Ba Đình 2.
    await unit('phuc-xa', 'ba-dinh-2', '/hn/ba-dinh-2/phuc-xa/');
    expect(await processOutbox(at(new Date(now.getTime() + 73 * 3600_000)))).toMatchObject({ escalated: 1 });
    expect(await drain(oldParent.url)).toEqual([]);
    expect(await drain(newParent.url)).toMatchObject([
      { unitPath: '/hn/ba-dinh-2/', escalatedFrom: '/hn/ba-dinh-2/phuc-xa/', rule: 'below-target' },
    ]);
  });

  it('keeps an alert pending while SNS is down, delivers it once when it is back, and escalates it once', async () => {
    const deps = await createTestDeps();
    const now = new Date('2025-03-11T01:00:00Z');
    for (const [id, parentId, path] of [
      ['hn', null, '/hn/'],
      ['ba-dinh', 'hn', '/hn/ba-dinh/'],
      ['phuc-xa', 'ba-dinh', '/hn/ba-dinh/phuc-xa/'],
    ] as const) {
      await putStoredUnit(deps, id, parentId, path, now);
    }
    const { TopicArn } = await new SNSClient({}).send(
      new CreateTopicCommand({ Name: `sipas-outbox-${label}` }),
    );
    const topic = snsAlertsTopic(TopicArn);
    const all = await createQueue('outbox-all');
    const parents = await createQueue('outbox-badinh-exact');
    await topic.subscribe('sqs', all.arn, filterPolicyOf('/hn/ba-dinh/phuc-xa/', 'info'));
    await topic.subscribe('sqs', parents.arn, filterPolicyOf('/hn/ba-dinh/', 'critical'));

    const down = snsAlertsTopic(TopicArn, new SNSClient({ endpoint: 'http://127.0.0.1:1', maxAttempts: 1 }));
    const at = (date: Date, t = topic) => createAlertDeps(deps.config, deps.db, t, () => date);
    // 60 % with the interval [50, 70]: the upper bound is 10 points under 80 → critical
    const snapshot = aSnapshot({ n: 200, index: 60, ci95: [50, 70] });
    const snapshots = new Map([
      ['2025-03', [snapshot]],
      ['2025-02', [{ ...snapshot, period: '2025-02' }]],
    ]);

    expect(await raiseAlerts(snapshots, at(now, down))).toMatchObject({
      raised: 2,
      recorded: 2,
      sent: 0,
      failed: 2,
    });
    expect(await drain(all.url)).toEqual([]);

    expect(await raiseAlerts(snapshots, at(now))).toMatchObject({
      raised: 2,
      recorded: 0,
      sent: 2,
      failed: 0,
    });
    const delivered = await drain(all.url);
    expect(delivered).toHaveLength(2);
    // each message names its alert, so a subscriber can drop one it has had already
    expect(delivered.map((m) => m.alertId).sort()).toEqual([
      'phuc-xa.below-target.2025-02',
      'phuc-xa.below-target.2025-03',
    ]);
    expect(delivered[0]).toMatchObject({
      unitPath: '/hn/ba-dinh/phuc-xa/',
      rule: 'below-target',
      severity: 'critical',
      severityLevel: 3,
    });
    expect(delivered[0]!.subject).toMatch(/^\[SIPAS\] Canh bao khan: Phuong Phuc Xa/);
    expect(delivered[0]!.message).toContain('cả khoảng đều thấp hơn mục tiêu 80 %');
    // the parent's subscribers see the subtree's alerts too: their prefix covers it
    expect(await drain(parents.url)).toHaveLength(2);

    expect(await raiseAlerts(snapshots, at(now))).toMatchObject({ recorded: 0, sent: 0 });
    expect(await drain(all.url)).toEqual([]);

    // One of the two is acknowledged; 73 hours later (the default allows 72) the other goes up once.
    const alerting = at(now);
    expect(
      await alerting.alerts.acknowledge(
        'phuc-xa.below-target.2025-02',
        'official-phuc-xa',
        'on it',
        now.toISOString(),
      ),
    ).toBe(true);
    const later = new Date(now.getTime() + 73 * 3600_000);
    expect(await processOutbox(at(later))).toEqual({ sent: 0, failed: 0, escalated: 1 });
    const escalated = await drain(parents.url);
    expect(escalated).toHaveLength(1);
    expect(escalated[0]).toMatchObject({
      unitPath: '/hn/ba-dinh/',
      escalatedFrom: '/hn/ba-dinh/phuc-xa/',
      rule: 'below-target',
      alertId: 'phuc-xa.below-target.2025-03',
    });
    expect(escalated[0]!.message).toContain('tháng 03/2025');
    expect(await drain(all.url)).toEqual([]); // the unit's own subscribers already have it

    expect(await processOutbox(at(new Date(later.getTime() + 86_400_000)))).toEqual({
      sent: 0,
      failed: 0,
      escalated: 0,
    });
    expect(await drain(parents.url)).toEqual([]);
    expect((await alerting.alerts.get('phuc-xa.below-target.2025-03'))!.escalatedAt).toBe(
      later.toISOString(),
    );
  });
});
