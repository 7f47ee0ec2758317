import {
  CfnOutput,
  type CfnResource,
  Duration,
  Stack,
  type StackProps,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRIC_DIMENSIONS, METRICS_NAMESPACE, MetricName } from '../../shared/observability';
import { FUNCTIONS, type FunctionName, type FunctionSpec, ROUTES } from '../../shared/routes';
import { DIGEST, DIGEST_EVENTBRIDGE_CRON, NIGHTLY, NIGHTLY_EVENTBRIDGE_CRON } from '../../shared/schedule';
import { SipasFunction } from '../constructs/sipas-function';
import type { StageSettings } from './stage';

export interface ApiThrottle {
  /** steady requests per second across the stage */
  rateLimit: number;
  burstLimit: number;
}

export interface StatelessStackProps extends StackProps {
  settings: StageSettings;
  table: ITableV2;
  alertsTopic: ITopic;
  operationsTopic: ITopic;
  qrSecret: ISecret;
  userPool: IUserPool;
  userPoolClient: IUserPoolClient;
  throttle: ApiThrottle;
  /** the Cognito hosted UI, when the stage has one (the dashboard's sign-in) */
  cognitoDomain?: string;
  /** where QR codes and alert links point; unset, QR codes use the request's host and alert links the API's URL */
  publicBaseUrl?: string;
  /** the city's settings as environment variables, checked (citySettingsEnvironment in shared/config.ts) */
  citySettings?: Record<string, string>;
}

/** Code and wiring, replaceable at will: the functions, the HTTP API, the nightly schedule, the alarms. */
export class StatelessStack extends Stack {
  readonly functions: Record<FunctionName, SipasFunction>;
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly nightlyDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `sipas-${settings.stage}`,
      description: `sipas ${settings.stage}: survey pages, ratings, results and the officials' API`,
      // Created below, to give it throttling and access logs.
      createDefaultStage: false,
    });
    const sharedEnvironment: Record<string, string> = {
      ...props.citySettings,
      COGNITO_CLIENT_ID: props.userPoolClient.userPoolClientId,
    };
    if (props.cognitoDomain) sharedEnvironment.COGNITO_DOMAIN = props.cognitoDomain;
    // QR codes take the host of the request that prints them when no public URL is set; alert
    // e-mails and digests have no request, so their links fall back to the API's endpoint
    // ($default stage: the endpoint is its base URL).
    if (props.publicBaseUrl) sharedEnvironment.PUBLIC_BASE_URL = props.publicBaseUrl;
    sharedEnvironment.DASHBOARD_BASE_URL = props.publicBaseUrl ?? this.api.apiEndpoint;
    const functions = {} as Record<FunctionName, SipasFunction>;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
      functions[name] = new SipasFunction(this, pascal(name), {
        spec,
        stage: settings.stage,
        table: props.table,
        logRetention: settings.logRetention,
        logRemovalPolicy: settings.removalPolicy,
        qrSecret: props.qrSecret,
        alertsTopic: props.alertsTopic,
        sharedEnvironment,
      });
    }
    this.functions = functions;

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // No source IP and no user agent: the service keeps nothing that identifies a citizen.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const authorizer = new HttpJwtAuthorizer(
      'OfficialsAuthorizer',
      `https://cognito-idp.${this.region}.amazonaws.com/${props.userPool.userPoolId}`,
      {
        jwtAudience: [props.userPoolClient.userPoolClientId],
        identitySource: ['$request.header.Authorization'],
      },
    );
    // Public routes say so explicitly, so a missing authorizer is never an accident.
    const publicAccess = new apigw.HttpNoneAuthorizer();
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${pascal(route.function)}Integration`,
          functions[route.function].function,
        );
        integrations.set(route.function, integration);
      }
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        authorizer: route.auth === 'official' ? authorizer : publicAccess,
      });
      if (route.auth === 'public' && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design (DESIGN.md API contract): citizens rate without accounts and results are published.`,
        });
      }
    }

    this.nightlyDeadLetterQueue = this.scheduleNightly(functions.nightly, settings);
    this.scheduleDigest(functions.digest);
    this.addAlarms(props.operationsTopic, functions.nightly, functions.digest);

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
  }

  private scheduleNightly(nightly: SipasFunction, settings: StageSettings): sqs.Queue {
    const deadLetters = new sqs.Queue(this, 'NightlyDeadLetterQueue', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
      removalPolicy: settings.removalPolicy,
    });
    Validations.of(deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the nightly schedule.',
    });
    // The scheduler invokes asynchronously: its retries cover failed invocations, Lambda's own
    // retries cover a failed run. Re-running a night is idempotent, so both retry safely, and
    // what still fails lands in the queue (and raises its alarm).
    nightly.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(deadLetters),
    });
    const schedulerRole = new iam.Role(this, 'NightlySchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: `sipas ${settings.stage}: lets EventBridge Scheduler start the nightly run`,
    });
    new Schedule(this, 'NightlySchedule', {
      description: 'Closes yesterday (Vietnam time) into histograms, snapshots, ranks and alerts',
      schedule: ScheduleExpression.expression(NIGHTLY_EVENTBRIDGE_CRON, TimeZone.of(NIGHTLY.timeZone)),
      target: new LambdaInvoke(nightly.function, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({}),
        deadLetterQueue: deadLetters,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(nightly.function.node.defaultChild as CfnResource)}.Arn>:*]`,
      reason:
        "LambdaInvoke also grants the function's versions and aliases (ARN:*), all of the one nightly function.",
    });
    return deadLetters;
  }

  /** The weekly digest: a missed one is not worth a queue, the next Monday's covers the week again. */
  private scheduleDigest(digest: SipasFunction): void {
    // A digest run publishes scope by scope: a retry after a failure half-way would send the
    // first scopes' digests again. A failed run is not retried (next week's replaces it); its
    // alarm says it failed.
    digest.function.configureAsyncInvoke({ retryAttempts: 0 });
    const role = new iam.Role(this, 'DigestSchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: `sipas ${this.stackName}: lets EventBridge Scheduler start the weekly digest`,
    });
    new Schedule(this, 'DigestSchedule', {
      description: 'Publishes the weekly summary of each subscribed scope to the alerts topic',
      schedule: ScheduleExpression.expression(DIGEST_EVENTBRIDGE_CRON, TimeZone.of(DIGEST.timeZone)),
      target: new LambdaInvoke(digest.function, {
        role,
        input: ScheduleTargetInput.fromObject({}),
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(digest.function.node.defaultChild as CfnResource)}.Arn>:*]`,
      reason:
        "LambdaInvoke also grants the function's versions and aliases (ARN:*), all of the one digest function.",
    });
  }

  private addAlarms(operationsTopic: ITopic, nightly: SipasFunction, digest: SipasFunction): void {
    const notify = new SnsAction(operationsTopic);
    const period = Duration.minutes(5);
    const alarms: cloudwatch.Alarm[] = [];

    // A rate rather than a count, and only with 20 requests or more in the period: at night one
    // failed request out of two would otherwise page someone.
    const serverErrorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: this.api.metricServerError({ period, statistic: 'Sum' }),
        requests: this.api.metricCount({ period, statistic: 'Sum' }),
      },
      period,
      label: 'API 5xx rate (%)',
    });
    alarms.push(
      serverErrorRate.createAlarm(this, 'Api5xxRateAlarm', {
        alarmDescription:
          'More than 5 % of API requests failed with a 5xx in 2 of the last 3 five-minute periods (docs/operations.md)',
        threshold: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    // A scheduled run that ends in an error, within the hour.
    const failedRun = (fn: SipasFunction, id: string, alarmDescription: string) =>
      fn.function.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }).createAlarm(this, id, {
        alarmDescription,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    alarms.push(
      failedRun(nightly, 'NightlyErrorsAlarm', 'The nightly aggregation failed (docs/operations.md)'),
    );
    alarms.push(
      failedRun(
        digest,
        'DigestErrorsAlarm',
        'The weekly digest failed; it is not retried (docs/operations.md)',
      ),
    );

    alarms.push(
      this.nightlyDeadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })
        .createAlarm(this, 'NightlyDeadLettersAlarm', {
          alarmDescription:
            'A nightly run was given up and parked in the dead-letter queue (docs/operations.md)',
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );

    // No data means no rating at all, which is exactly what this alarm is for.
    const ratingsStored = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: MetricName.RatingStored,
      // Powertools adds the service dimension to every metric, and CloudWatch matches dimensions exactly.
      dimensionsMap: { ...METRIC_DIMENSIONS },
      statistic: 'Sum',
      period: Duration.hours(24),
    });
    alarms.push(
      ratingsStored.createAlarm(this, 'NoRatingsAlarm', {
        alarmDescription: 'No rating was stored in the last 24 hours (docs/operations.md)',
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );

    for (const alarm of alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }
}

function pascal(name: string): string {
  return name[0]!.toUpperCase() + name.slice(1);
}
