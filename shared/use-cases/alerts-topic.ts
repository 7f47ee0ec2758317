import type { SNSClient } from '@aws-sdk/client-sns';
import { ConflictError, type DomainError, ValidationError } from '../errors';

/** What a message on the alerts topic carries for subscriptions' filter policies to route on. */
export interface TopicAttributes {
  unitPath: string;
  rule: string;
  severity: string;
  severityLevel: number;
  /** set on an escalation: the alert's own unit, while unitPath is its parent's */
  escalatedFrom?: string;
  /**
   * The alert's id, on alerts and their escalations (not on digests): a queue or HTTPS subscriber
   * can drop a message it has had already, which SNS cannot promise (see processOutbox).
   */
  alertId?: string;
}

export interface TopicMessage {
  subject: string;
  message: string;
  attributes: TopicAttributes;
}

/** How SNS's Query protocol names an invalid parameter, by SDK version. */
const INVALID_PARAMETER = new Set(['InvalidParameterException', 'InvalidParameter']);

/** SNS's answer for a subscription it does not have (the SDK's name, and the local stand-in's). */
const NOT_FOUND = new Set(['NotFoundException', 'NotFound']);
const isNotFound = (error: unknown) => error instanceof Error && NOT_FOUND.has(error.name);

/**
 * What the caller did wrong, when SNS refuses a Subscribe for a reason of the caller's: an
 * endpoint our checks let through (a queue SNS cannot reach, say) is a 400 naming the field, and
 * an endpoint already subscribed with another area or minimum is a 409 (SNS keeps one
 * subscription per endpoint and topic). SNS's own words are not passed on: they can tell that
 * someone else subscribed the endpoint. Anything else (a wrong topic ARN) stays a 500.
 */
function refusedSubscription(error: unknown): DomainError | undefined {
  if (!(error instanceof Error) || !INVALID_PARAMETER.has(error.name)) return undefined;
  if (/already exists with different attributes/i.test(error.message)) {
    return new ConflictError(
      'this endpoint already receives alerts with another area or minimum severity, and it can have one subscription only: delete that one first, or use another endpoint',
    );
  }
  if (/endpoint/i.test(error.message)) {
    return new ValidationError('the endpoint was refused', [
      { field: 'endpoint', message: 'SNS does not accept this endpoint' },
    ]);
  }
  return undefined;
}

/** SNS takes at most this many messages in one PublishBatch. */
export const PUBLISH_BATCH_LIMIT = 10;

/** The outcome of one message of a batch: published, or why not. */
export type BatchOutcome = { published: true } | { published: false; error: string };

/** The alerts topic, as the use cases see it. */
export interface AlertsTopic {
  publish(message: TopicMessage): Promise<void>;
  /**
   * Publishes up to PUBLISH_BATCH_LIMIT messages in one request; each succeeds or fails on its
   * own, in the order given. Throws only when the request itself fails (then none was published).
   */
  publishBatch(messages: readonly TopicMessage[]): Promise<BatchOutcome[]>;
  /** returns the subscription's ARN (also while an e-mail or SMS awaits confirmation) */
  subscribe(protocol: string, endpoint: string, filterPolicy: object): Promise<string>;
  unsubscribe(subscriptionArn: string): Promise<void>;
  /** replaces a subscription's filter policy (its unit moved); false if SNS no longer has it */
  setFilterPolicy(subscriptionArn: string, filterPolicy: object): Promise<boolean>;
  /**
   * Whether SNS still has the subscription, and whether its endpoint confirmed it (an e-mail's
   * recipient can leave it from the message itself, unknown to the records).
   */
  status(subscriptionArn: string): Promise<SubscriptionStatus>;
}

export type SubscriptionStatus = 'confirmed' | 'pending confirmation' | 'gone';

/** A message's subject, body and filterable attributes, as Publish and PublishBatch take them. */
function snsFields({ subject, message, attributes }: TopicMessage) {
  const { escalatedFrom, alertId, severityLevel, ...strings } = attributes;
  const optional = { ...(escalatedFrom ? { escalatedFrom } : {}), ...(alertId ? { alertId } : {}) };
  return {
    Subject: subject,
    Message: message,
    MessageAttributes: {
      ...Object.fromEntries(
        Object.entries({ ...strings, ...optional }).map(([name, value]) => [
          name,
          { DataType: 'String', StringValue: value },
        ]),
      ),
      severityLevel: { DataType: 'Number', StringValue: String(severityLevel) },
    },
  };
}

/**
 * The alerts topic on SNS. The endpoint comes from the SDK's own AWS_ENDPOINT_URL_SNS in the local
 * runtime and tests. Without a topic ARN every call fails, so alerts stay pending in the outbox.
 */
export function snsAlertsTopic(topicArn: string | undefined, client?: SNSClient): AlertsTopic {
  // The SNS SDK is loaded on first use: most functions wire the alerts dependencies but never
  // publish, and loading it at cold start would slow every one of them (bench/cold-start.ts).
  let sdk: Promise<typeof import('@aws-sdk/client-sns')> | undefined;
  let sns: SNSClient | undefined = client;
  const load = async () => {
    sdk ??= import('@aws-sdk/client-sns');
    const module = await sdk;
    // Timeouts, as for DynamoDB (store/dynamo.ts): a stalled request fails, and the alert stays
    // pending for the next run, instead of holding the function to its limit.
    sns ??= new module.SNSClient({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
    });
    return { ...module, sns };
  };
  const arn = () => {
    if (!topicArn) throw new Error('invalid configuration: ALERTS_TOPIC_ARN is required here');
    return topicArn;
  };
  return {
    async publish(message) {
      const { sns, PublishCommand } = await load();
      await sns.send(new PublishCommand({ TopicArn: arn(), ...snsFields(message) }));
    },
    async publishBatch(messages) {
      if (messages.length > PUBLISH_BATCH_LIMIT) {
        throw new Error(`at most ${PUBLISH_BATCH_LIMIT} messages per batch, not ${messages.length}`);
      }
      if (messages.length === 0) return [];
      const { sns, PublishBatchCommand } = await load();
      const { Failed } = await sns.send(
        new PublishBatchCommand({
          TopicArn: arn(),
          PublishBatchRequestEntries: messages.map((message, i) => ({ Id: `m${i}`, ...snsFields(message) })),
        }),
      );
      const failed = new Map((Failed ?? []).map((entry) => [entry.Id, entry.Code ?? 'Failed'] as const));
      return messages.map((_, i) => {
        const error = failed.get(`m${i}`);
        return error === undefined ? { published: true } : { published: false, error };
      });
    },
    async subscribe(protocol, endpoint, filterPolicy) {
      const { sns, SubscribeCommand } = await load();
      const { SubscriptionArn } = await sns
        .send(
          new SubscribeCommand({
            TopicArn: arn(),
            Protocol: protocol,
            Endpoint: endpoint,
            Attributes: {
              FilterPolicy: JSON.stringify(filterPolicy),
              FilterPolicyScope: 'MessageAttributes',
            },
            ReturnSubscriptionArn: true,
          }),
        )
        .catch((error: unknown) => {
          throw refusedSubscription(error) ?? error;
        });
      if (!SubscriptionArn) throw new Error('SNS returned no subscription ARN');
      return SubscriptionArn;
    },
    async unsubscribe(subscriptionArn) {
      const { sns, UnsubscribeCommand } = await load();
      try {
        await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
      } catch (error) {
        // gone already (its endpoint left it): what was asked for is so
        if (!isNotFound(error)) throw error;
      }
    },
    async status(subscriptionArn) {
      const { sns, GetSubscriptionAttributesCommand } = await load();
      try {
        const { Attributes } = await sns.send(
          new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }),
        );
        return Attributes?.PendingConfirmation === 'true' ? 'pending confirmation' : 'confirmed';
      } catch (error) {
        if (isNotFound(error)) return 'gone';
        throw error;
      }
    },
    async setFilterPolicy(subscriptionArn, filterPolicy) {
      const { sns, SetSubscriptionAttributesCommand } = await load();
      try {
        await sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn: subscriptionArn,
            AttributeName: 'FilterPolicy',
            AttributeValue: JSON.stringify(filterPolicy),
          }),
        );
        return true;
      } catch (error) {
        // its owner left it, or it was never confirmed
        if (isNotFound(error)) return false;
        throw error;
      }
    },
  };
}
