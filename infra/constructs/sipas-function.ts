import { fileURLToPath } from 'node:url';
import { type CfnResource, Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsLogLevel,
  ParamsAndSecretsVersions,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../shared/observability';
import type { FunctionSpec } from '../../shared/routes';
import { dynamoBudget } from '../../shared/store/dynamo';
import { TABLE_DEFINITION } from '../../shared/store/table-definition';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SipasFunctionProps {
  spec: FunctionSpec;
  stage: string;
  table: ITableV2;
  logRetention: logs.RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  /** required when spec.qrKeys */
  qrSecret?: ISecret;
  /** required when spec.alerts, spec.alertSubscriptions or spec.alertFilters */
  alertsTopic?: ITopic;
  /** settings every function reads the same way (shared/config.ts), e.g. the Cognito client id */
  sharedEnvironment?: Record<string, string>;
}

/**
 * One Lambda function of FUNCTIONS with the shared defaults, its environment and exactly the access
 * its spec lists, set in one place so that no function can quietly gain a permission.
 */
export class SipasFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SipasFunctionProps) {
    super(scope, id);
    const { spec } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    // An explicit role instead of the default one: the default attaches the AWS managed
    // AWSLambdaBasicExecutionRole, which may write to every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `sipas ${props.stage} ${id} function`,
    });
    this.logGroup.grantWrite(this.role);

    const budget = dynamoBudget(spec.timeoutSeconds);
    const environment: Record<string, string> = {
      ...props.sharedEnvironment,
      TABLE_NAME: props.table.tableName,
      STAGE: props.stage,
      POWERTOOLS_SERVICE_NAME: METRICS_SERVICE,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // DynamoDB's tries and timeouts end before the function's own limit (dynamoBudget)
      DYNAMODB_ATTEMPTS: String(budget.attempts),
      DYNAMODB_TIMEOUT_MS: String(budget.requestTimeoutMs),
    };
    if (spec.qrKeys) environment.QR_SECRET_ARN = required(props.qrSecret, id, 'qrSecret').secretArn;
    if (spec.alerts || spec.alertSubscriptions) {
      environment.ALERTS_TOPIC_ARN = required(props.alertsTopic, id, 'alertsTopic').topicArn;
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}${spec.entry}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      environment,
      // The QR keys are read through the Parameters and Secrets extension (localhost:2773) instead
      // of the Secrets Manager SDK client, whose import and construction were ≈ 0.2–0.3× of a
      // minimal handler's cold start (bench/README.md). The extension runs in the function's
      // sandbox and calls Secrets Manager with the function's role, so the GetSecretValue grant
      // below still applies. The function keeps its own 5-minute cache in front of it; the
      // extension's cache needs room for that one secret only, and a one-minute TTL (default five)
      // so that a rotation reaches every warm function within six minutes (docs/operations.md).
      ...(spec.qrKeys
        ? {
            paramsAndSecrets: ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
              cacheSize: 10,
              secretsManagerTtl: Duration.seconds(60),
              logLevel: ParamsAndSecretsLogLevel.WARN,
            }),
          }
        : {}),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        // Emitted for reading stack traces offline, but NODE_OPTIONS=--enable-source-maps is not
        // set: Node then parses the whole map at import, which doubled the rating handler's
        // module-load time (bench/cold-start.ts measures it as a variant).
        sourceMap: true,
        // The runtime ships the v3 SDK; bundling its clients would triple the bundle for no benefit.
        // util-dynamodb (marshall/unmarshall, ≈ 5 KB once tree-shaken) is bundled all the same:
        // imported from the runtime as one more external CommonJS package, it cost the rating
        // handler ≈ 0.1× of a minimal handler's load time (bench/cold-start.ts, issue 8).
        externalModules: ['@aws-sdk/client-*'],
        // ESM bundles still contain CommonJS dependencies that call require().
        banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
        mainFields: ['module', 'main'],
        // esbuild is a devDependency: never fall back to Docker, which is not available.
        forceDockerBundling: false,
      },
    });

    Validations.of(this.function.node.defaultChild as CfnResource).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the pinned target (STACK.md): the dependencies are pinned to releases verified on it, ' +
        'so a newer runtime is a deliberate upgrade, not a drift.',
    });

    this.grantTable(props.table, spec.table);
    if (spec.qrKeys) {
      // GetSecretValue only: the function never needs DescribeSecret, which grantRead adds.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [required(props.qrSecret, id, 'qrSecret').secretArn],
        }),
      );
    }
    if (spec.alerts) required(props.alertsTopic, id, 'alertsTopic').grantPublish(this.role);
    if (spec.alertSubscriptions) {
      // SNS authorises Unsubscribe and GetSubscriptionAttributes against the subscription's topic,
      // so all three name the topic: its AuthorizationError for a subscription `<topic ARN>:<id>`
      // names the resource `<topic ARN>`.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:GetSubscriptionAttributes'],
          resources: [required(props.alertsTopic, id, 'alertsTopic').topicArn],
        }),
      );
    }
    if (spec.alertFilters) {
      // Likewise a subscription's attributes (SetSubscriptionAttributes is refused "on resource
      // <topic ARN>" in the same way): the grant names the topic.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['sns:SetSubscriptionAttributes'],
          resources: [required(props.alertsTopic, id, 'alertsTopic').topicArn],
        }),
      );
    }
  }

  /**
   * Exactly the listed actions. Only Query reaches the indexes, so only functions that query get
   * the index ARNs, each named rather than `index/*`.
   */
  private grantTable(table: ITableV2, actions: readonly string[]): void {
    if (actions.length === 0) return;
    const resources = [table.tableArn];
    if (actions.includes('dynamodb:Query')) {
      resources.push(...TABLE_DEFINITION.indexes.map((index) => `${table.tableArn}/index/${index.name}`));
    }
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
  }
}

function required<T>(value: T | undefined, id: string, prop: string): T {
  if (value === undefined) throw new Error(`${id}: its spec needs the ${prop} prop`);
  return value;
}
