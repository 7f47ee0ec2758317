import type { SNSClient } from '@aws-sdk/client-sns';

/** What a message on the alerts topic carries for subscriptions' filter policies to route on. */
export interface TopicAttributes {
  unitPath: string;
  rule: string;
  severity: string;
  severityLevel: number;
  /** set on an escalation: the alert's own unit, while unitPath is its parent's */
  escalatedFrom?: string;
}

export interface TopicMessage {
  subject: string;
  message: string;
  attributes: TopicAttributes;
}

/** The alerts topic, as the use cases see it. */
export interface AlertsTopic {
  publish(message: TopicMessage): Promise<void>;
  /** returns the subscription's ARN (also while an e-mail or SMS awaits confirmation) */
  subscribe(protocol: string, endpoint: string, filterPolicy: object): Promise<string>;
  unsubscribe(subscriptionArn: string): Promise<void>;
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
    sns ??= new module.SNSClient({ maxAttempts: 2 });
    return { ...module, sns };
  };
  const arn = () => {
    if (!topicArn) throw new Error('invalid configuration: ALERTS_TOPIC_ARN is required here');
    return topicArn;
  };
  return {
    async publish({ subject, message, attributes }) {
      const { escalatedFrom, severityLevel, ...strings } = attributes;
      const { sns, PublishCommand } = await load();
      await sns.send(
        new PublishCommand({
          TopicArn: arn(),
          Subject: subject,
          Message: message,
          MessageAttributes: {
            ...Object.fromEntries(
              Object.entries({ ...strings, ...(escalatedFrom ? { escalatedFrom } : {}) }).map(
                ([name, value]) => [name, { DataType: 'String', StringValue: value }],
              ),
            ),
            severityLevel: { DataType: 'Number', StringValue: String(severityLevel) },
          },
        }),
      );
    },
    async subscribe(protocol, endpoint, filterPolicy) {
      const { sns, SubscribeCommand } = await load();
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({
          TopicArn: arn(),
          Protocol: protocol,
          Endpoint: endpoint,
          Attributes: { FilterPolicy: JSON.stringify(filterPolicy), FilterPolicyScope: 'MessageAttributes' },
          ReturnSubscriptionArn: true,
        }),
      );
      if (!SubscriptionArn) throw new Error('SNS returned no subscription ARN');
      return SubscriptionArn;
    },
    async unsubscribe(subscriptionArn) {
      const { sns, UnsubscribeCommand } = await load();
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
    },
  };
}
