import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QrKeysSchema } from '../../shared/qr/codes';
import { FUNCTIONS, type FunctionName, type FunctionSpec, ROUTES } from '../../shared/routes';
import { asArray, logicalId, type Resource, resourcesOf, type Synthesized, synthesize } from './synth';

const SPECS = Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][];
const BANNER = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  // dev bundles every function with esbuild, as `cdk synth` does; prod's assertions never read code.
  dev = synthesize({ stage: 'dev' }, { bundle: true });
  prod = synthesize(
    {
      stage: 'prod',
      // the dashboard's sign-in comes back to the public URL's /dashboard, on a domain the stack makes
      publicBaseUrl: 'https://sipas.example.gov.vn',
      cognitoDomainPrefix: 'sipas-hanoi',
      apiRateLimit: '50',
      apiBurstLimit: '80',
      // as `-c city='…'` passes it: JSON text
      city: JSON.stringify({ ALERT_TARGET: 85, ALERT_PERIODS: 'month,quarter', MIN_N: '50' }),
    },
    { bundle: false },
  );
}, 300_000);

afterAll(() => {
  for (const s of [dev, prod]) if (s) rmSync(s.outdir, { recursive: true, force: true });
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

function statementsOfRole(s: Synthesized, roleId: string): Statement[] {
  return Object.values(resourcesOf(s.statelessTemplate, 'AWS::IAM::Policy'))
    .filter((policy) =>
      asArray(policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function functionOf(s: Synthesized, name: FunctionName): Resource {
  const resource = resourcesOf(s.statelessTemplate)[
    logicalId(s.stateless, s.stateless.functions[name].function)
  ];
  if (!resource) throw new Error(`no function ${name}`);
  return resource;
}

describe('HTTP API routes', () => {
  it('has exactly one route per ROUTES entry, and no other', () => {
    const keys = Object.values(resourcesOf(dev.statelessTemplate, 'AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );
    expect(keys.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('puts the JWT authorizer on officials’ routes and nothing on public ones', () => {
    const authorizerId = Object.keys(resourcesOf(dev.statelessTemplate, 'AWS::ApiGatewayV2::Authorizer'))[0];
    const routes = Object.values(resourcesOf(dev.statelessTemplate, 'AWS::ApiGatewayV2::Route'));
    for (const spec of ROUTES) {
      const route = routes.find(
        (candidate) => candidate.Properties.RouteKey === `${spec.method} ${spec.path}`,
      );
      if (spec.auth === 'official') {
        expect(route?.Properties, spec.path).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerId },
        });
      } else {
        expect(route?.Properties.AuthorizationType, spec.path).toBe('NONE');
        expect(route?.Properties.AuthorizerId, spec.path).toBeUndefined();
      }
    }
  });

  it('sends each route to its own function', () => {
    const resources = resourcesOf(dev.statelessTemplate);
    for (const spec of ROUTES) {
      const route = Object.values(resources).find(
        (r) => r.Properties.RouteKey === `${spec.method} ${spec.path}`,
      );
      const target = JSON.stringify(route?.Properties.Target);
      const integrationId = /"Ref":"([^"]+)"/.exec(target)?.[1] ?? '';
      expect(resources[integrationId]?.Properties.IntegrationUri, spec.path).toEqual({
        'Fn::GetAtt': [logicalId(dev.stateless, dev.stateless.functions[spec.function].function), 'Arn'],
      });
    }
  });

  it('checks Cognito tokens: the pool’s issuer, the dashboard client as audience, the Authorization header', () => {
    const authorizers = Object.values(resourcesOf(dev.statelessTemplate, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    const props = authorizers[0]!.Properties!;
    expect(props.AuthorizerType).toBe('JWT');
    expect(props.IdentitySource).toEqual(['$request.header.Authorization']);
    const jwt = props.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    const issuer = JSON.stringify(jwt.Issuer);
    expect(issuer).toContain('https://cognito-idp.');
    expect(issuer).toContain(`ExportsOutputRef${logicalId(dev.stateful, dev.stateful.userPool)}`);
    expect(jwt.Audience).toHaveLength(1);
    expect(JSON.stringify(jwt.Audience)).toContain(
      `ExportsOutputRef${logicalId(dev.stateful, dev.stateful.userPoolClient)}`,
    );
  });

  it('throttles the default stage (defaults in dev, context in prod) and logs access without addresses', () => {
    dev.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
    prod.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 80 },
    });
    const stage = Object.values(resourcesOf(dev.statelessTemplate, 'AWS::ApiGatewayV2::Stage'))[0]!;
    const format = (stage.Properties.AccessLogSettings as { Format: string }).Format;
    expect(JSON.parse(format)).toHaveProperty('requestId', '$context.requestId');
    expect(format).not.toContain('sourceIp');
  });
});

describe('functions', () => {
  it('deploys exactly the FUNCTIONS entries, on Node.js 22 and arm64 with their memory and timeout', () => {
    expect(Object.keys(resourcesOf(dev.statelessTemplate, 'AWS::Lambda::Function'))).toHaveLength(
      SPECS.length,
    );
    for (const [name, spec] of SPECS) {
      expect(functionOf(dev, name).Properties, name).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
      });
    }
  });

  it('gives each function the shared environment, and the QR secret and topic only where its spec says', () => {
    for (const [name, spec] of SPECS) {
      const variables = (
        functionOf(dev, name).Properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(variables, name).toMatchObject({
        STAGE: 'dev',
        POWERTOOLS_SERVICE_NAME: 'sipas',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      });
      // source maps are emitted but not enabled at run time: they double a cold start's load time
      expect(variables.NODE_OPTIONS, name).toBeUndefined();
      expect(variables.TABLE_NAME, name).toBeDefined();
      // DynamoDB's tries end a second before the function's limit: a 503 from the function, not
      // a bare 500. Worked by hand (1 s to connect; waits of ≤ 1 s, then ≤ 2 s, between tries):
      // 10 s → 2 × (1 + 3) + 1 = 9 s; 29, 300 and 900 s → 3 × (1 + 5) + 1 + 2 = 21 s.
      const expected: Record<number, [string, string]> = {
        10: ['2', '3000'],
        29: ['3', '5000'],
        300: ['3', '5000'],
        900: ['3', '5000'],
      };
      expect([variables.DYNAMODB_ATTEMPTS, variables.DYNAMODB_TIMEOUT_MS], name).toEqual(
        expected[spec.timeoutSeconds],
      );
      // without a public URL of the stage's own, links in alerts and digests point at the API,
      // and QR codes at the host they were asked from
      expect(variables.DASHBOARD_BASE_URL, name).toEqual({
        'Fn::GetAtt': [logicalId(dev.stateless, dev.stateless.api), 'ApiEndpoint'],
      });
      expect(variables.PUBLIC_BASE_URL, name).toBeUndefined();
      expect('QR_SECRET_ARN' in variables, name).toBe(spec.qrKeys === true);
      expect('ALERTS_TOPIC_ARN' in variables, name).toBe(
        spec.alerts === true || spec.alertSubscriptions === true,
      );
    }
  });

  it('adds the Parameters and Secrets extension (arm64, small short cache) to functions with qrKeys only', () => {
    for (const [name, spec] of SPECS) {
      const props = functionOf(dev, name).Properties;
      const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      if (spec.qrKeys) {
        // the key provider reads through it on localhost:2773 instead of the Secrets Manager SDK;
        // the stacks are region-agnostic, so the layer ARN is a lookup in a per-region mapping
        const layers = asArray(props.Layers as unknown[]) as { 'Fn::FindInMap': [string, unknown, string] }[];
        expect(layers, name).toHaveLength(1);
        const [map, , key] = layers[0]!['Fn::FindInMap'];
        const mappings = dev.statelessTemplate.toJSON().Mappings as Record<
          string,
          Record<string, Record<string, string>>
        >;
        expect(mappings[map]?.['ap-southeast-1']?.[key], name).toMatch(
          /^arn:aws:lambda:ap-southeast-1:\d+:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\d+$/,
        );
        expect(variables, name).toMatchObject({
          PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773',
          PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: '10',
          SECRETS_MANAGER_TTL: '60',
          PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'warn',
        });
      } else {
        expect(props.Layers, name).toBeUndefined();
        expect(
          Object.keys(variables).some((key) => key.startsWith('PARAMETERS_SECRETS_')),
          name,
        ).toBe(false);
      }
    }
  });

  it('grants each function exactly the actions its spec lists, and nothing else', () => {
    for (const [name, spec] of SPECS) {
      const construct = dev.stateless.functions[name];
      const statements = statementsOfRole(dev, logicalId(dev.stateless, construct.role));
      const granted = new Set(statements.flatMap((statement) => asArray(statement.Action)));
      const expected = new Set<string>(['logs:CreateLogStream', 'logs:PutLogEvents', ...spec.table]);
      if (spec.qrKeys) expected.add('secretsmanager:GetSecretValue');
      if (spec.alerts) expected.add('sns:Publish');
      if (spec.alertSubscriptions)
        for (const action of ['sns:Subscribe', 'sns:Unsubscribe', 'sns:GetSubscriptionAttributes'])
          expected.add(action);
      if (spec.alertFilters) expected.add('sns:SetSubscriptionAttributes');
      // the nightly run's failure destination
      if (name === 'nightly')
        for (const action of ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'])
          expected.add(action);
      expect([...granted].sort(), name).toEqual([...expected].sort());
      expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
      expect(
        [...granted].some((action) => action.includes('*')),
        name,
      ).toBe(false);
    }
  });

  it('reaches the indexes, by name, only from functions that query', () => {
    for (const [name, spec] of SPECS) {
      const statements = statementsOfRole(dev, logicalId(dev.stateless, dev.stateless.functions[name].role));
      const dynamo = statements.filter((statement) =>
        asArray(statement.Action).some((action) => action.startsWith('dynamodb:')),
      );
      const resources = JSON.stringify(dynamo.map((statement) => statement.Resource));
      expect(resources, name).not.toContain('index/*');
      for (const index of ['GSI1', 'GSI2']) {
        expect(resources.includes(`/index/${index}`), name).toBe(spec.table.includes('dynamodb:Query'));
      }
    }
  });

  it('uses its own roles: no AWS managed policies', () => {
    for (const role of Object.values(resourcesOf(dev.statelessTemplate, 'AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('keeps logs a month in dev and a year in prod, in explicit log groups', () => {
    for (const [s, days] of [
      [dev, 30],
      [prod, 365],
    ] as const) {
      const groups = resourcesOf(s.statelessTemplate, 'AWS::Logs::LogGroup');
      // one per function plus the API's access logs
      expect(Object.keys(groups)).toHaveLength(SPECS.length + 1);
      for (const group of Object.values(groups)) expect(group.Properties.RetentionInDays).toBe(days);
      for (const [name] of SPECS) {
        const config = functionOf(s, name).Properties.LoggingConfig as { LogGroup: { Ref: string } };
        expect(groups[config.LogGroup.Ref], name).toBeDefined();
      }
    }
  });

  it('bundles each handler as ESM with the require banner (esbuild, no Docker)', () => {
    const assets = readdirSync(dev.outdir).filter((entry) => entry.startsWith('asset.'));
    for (const [name] of SPECS) {
      const code = functionOf(dev, name).Properties.Code as { S3Key: string };
      const hash = code.S3Key.replace(/\.zip$/, '');
      const dir = assets.find((entry) => entry === `asset.${hash}`);
      expect(dir, name).toBeDefined();
      const bundle = readFileSync(join(dev.outdir, dir!, 'index.mjs'), 'utf8');
      expect(bundle.startsWith(BANNER), name).toBe(true);
      expect(existsSync(join(dev.outdir, dir!, 'index.mjs.map')), name).toBe(true);
    }
  });
});

describe('schedules', () => {
  it('runs the nightly job at 00:30 Vietnam time with an empty input, retries and a dead-letter queue', () => {
    const nightlyId = logicalId(dev.stateless, dev.stateless.functions.nightly.function);
    const queueId = logicalId(dev.stateless, dev.stateless.nightlyDeadLetterQueue);
    dev.statelessTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 0 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [nightlyId, 'Arn'] },
        Input: '{}',
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 3 },
      },
    });
    // a failed run (after Lambda's own retries) lands in the same queue
    dev.statelessTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: nightlyId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('does not retry a failed digest, which would send its first scopes again, and raises an alarm', () => {
    const digestId = logicalId(dev.stateless, dev.stateless.functions.digest.function);
    dev.statelessTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: digestId },
      MaximumRetryAttempts: 0,
    });
    const alarm = Object.values(resourcesOf(dev.statelessTemplate, 'AWS::CloudWatch::Alarm')).find(
      (candidate) => JSON.stringify(candidate.Properties!.Dimensions ?? '').includes(digestId),
    );
    expect(alarm?.Properties).toMatchObject({ MetricName: 'Errors', Threshold: 1 });
  });

  it('runs the digest on Mondays at 07:00 Vietnam time', () => {
    dev.statelessTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 7 ? * MON *)',
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(dev.stateless, dev.stateless.functions.digest.function), 'Arn'] },
        Input: '{}',
      },
    });
  });

  it('refuses plain-HTTP access to the dead-letter queue', () => {
    const policy = Object.values(resourcesOf(dev.statelessTemplate, 'AWS::SQS::QueuePolicy'))[0]!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });
});

describe('alarms', () => {
  function alarms(s: Synthesized) {
    return Object.values(resourcesOf(s.statelessTemplate, 'AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties!,
    );
  }

  it('notifies the operations topic of every alarm and its recovery', () => {
    const topic = `ExportsOutputRef${logicalId(dev.stateful, dev.stateful.operationsTopic)}`;
    expect(alarms(dev)).toHaveLength(5);
    for (const alarm of alarms(dev)) {
      expect(JSON.stringify(alarm.AlarmActions)).toContain(topic);
      expect(JSON.stringify(alarm.OKActions)).toContain(topic);
      expect(alarm.AlarmName).toBeUndefined();
    }
  });

  it('watches the API’s 5xx rate, not its count', () => {
    const alarm = alarms(dev).find((candidate) => Array.isArray(candidate.Metrics))!;
    const metrics = alarm.Metrics as {
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Namespace: string } };
    }[];
    expect(metrics.find((metric) => metric.Expression)?.Expression).toContain('100 * errors / requests');
    expect(
      metrics.flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Metric.MetricName] : [])).sort(),
    ).toEqual(['5xx', 'Count']);
    expect(alarm).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('fires on a nightly error and on any dead letter', () => {
    expect(alarms(dev)).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [
          {
            Name: 'FunctionName',
            Value: { Ref: logicalId(dev.stateless, dev.stateless.functions.nightly.function) },
          },
        ],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    expect(alarms(dev)).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  });

  it('fires when no rating was stored for 24 hours, counting silence as a breach', () => {
    expect(alarms(dev)).toContainEqual(
      expect.objectContaining({
        Namespace: 'sipas',
        MetricName: 'RatingStored',
        // Powertools' service dimension, which every emitted metric carries
        Dimensions: [{ Name: 'service', Value: 'sipas' }],
        Statistic: 'Sum',
        Period: 86_400,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      }),
    );
  });
});

describe('stateful resources', () => {
  it('builds the table from the shared definition: on demand, TTL, point-in-time recovery', () => {
    dev.statefulTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [{ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }],
    });
    const table = Object.values(resourcesOf(dev.statefulTemplate, 'AWS::DynamoDB::GlobalTable'))[0]!;
    const indexes = (table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map(
      (index) => index.IndexName,
    );
    expect(indexes).toEqual(['GSI1', 'GSI2']);
  });

  it('keeps the table, the QR keys and the user pool in prod, and lets dev throw them away', () => {
    for (const type of [
      'AWS::DynamoDB::GlobalTable',
      'AWS::SecretsManager::Secret',
      'AWS::Cognito::UserPool',
    ]) {
      prod.statefulTemplate.hasResource(type, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      dev.statefulTemplate.hasResource(type, { DeletionPolicy: 'Delete' });
    }
    prod.statefulTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [{ DeletionProtectionEnabled: true }],
    });
    dev.statefulTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [{ DeletionProtectionEnabled: false }],
    });
    prod.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
  });

  it('generates a QR key secret that QrKeysSchema accepts, with no secret material in the template', () => {
    const secret = Object.values(resourcesOf(dev.statefulTemplate, 'AWS::SecretsManager::Secret'))[0]!;
    const generate = secret.Properties.GenerateSecretString as {
      SecretStringTemplate: string;
      GenerateStringKey: string;
      PasswordLength: number;
      ExcludePunctuation: boolean;
    };
    expect(secret.Properties.SecretString).toBeUndefined();
    // CloudFormation generates a new value whenever GenerateSecretString changes: on the next
    // deploy, every printed poster would stop scanning, and keys an operator added by hand would be
    // gone. Pinned, so such an edit is caught here and not in a city's offices.
    expect(generate).toEqual({
      SecretStringTemplate: '{"current":1,"retired":[]}',
      GenerateStringKey: 'k1',
      PasswordLength: 48,
      ExcludePunctuation: true,
      IncludeSpace: false,
    });
    // What Secrets Manager stores: the template plus a generated value of PasswordLength characters.
    const generated = {
      ...JSON.parse(generate.SecretStringTemplate),
      [generate.GenerateStringKey]: 'a'.repeat(generate.PasswordLength),
    };
    expect(QrKeysSchema.parse(generated)).toMatchObject({ current: 1, retired: [] });
    for (const s of [dev, prod]) {
      for (const template of [s.statefulTemplate, s.statelessTemplate]) {
        const text = JSON.stringify(template.toJSON());
        expect(text).not.toMatch(/"SecretString"/);
        expect(text).not.toMatch(/"k1":/);
      }
    }
  });

  it('encrypts the alerts topic and refuses plain HTTP on both topics', () => {
    const alerts = resourcesOf(dev.statefulTemplate)[logicalId(dev.stateful, dev.stateful.alertsTopic)]!;
    expect(JSON.stringify(alerts.Properties.KmsMasterKeyId)).toContain(':alias/aws/sns');
    const policies = Object.values(resourcesOf(dev.statefulTemplate, 'AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies)
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('admits officials only as administrators create them, with a strong password and MFA', () => {
    dev.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      Schema: [{ Name: 'unitId', AttributeDataType: 'String', Mutable: true }],
    });
    const groups = Object.values(resourcesOf(dev.statefulTemplate, 'AWS::Cognito::UserPoolGroup')).map(
      (group) => group.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['admin', 'official']);
  });

  it('signs the dashboard in with the code flow, no secret, and never lets a user write their own unitId', () => {
    dev.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      GenerateSecret: false,
      CallbackURLs: ['http://localhost:3000/dashboard'],
    });
    prod.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://sipas.example.gov.vn/dashboard'],
      LogoutURLs: ['https://sipas.example.gov.vn/'],
    });
    const client = Object.values(resourcesOf(dev.statefulTemplate, 'AWS::Cognito::UserPoolClient'))[0]!
      .Properties!;
    expect(client.ReadAttributes).toContain('custom:unitId');
    expect(client.WriteAttributes).not.toContain('custom:unitId');
  });
});

describe('the app as a whole', () => {
  it('names its stacks per stage and outputs the API URL, user pool and client', () => {
    expect([prod.stateful.stackName, prod.stateless.stackName]).toEqual([
      'Sipas-prod-Stateful',
      'Sipas-prod-Stateless',
    ]);
    expect(Object.keys(dev.statelessTemplate.findOutputs('*'))).toContain('ApiUrl');
    expect(Object.keys(dev.statefulTemplate.findOutputs('*'))).toEqual(
      expect.arrayContaining(['UserPoolId', 'UserPoolClientId']),
    );
  });

  it('sets no physical names, so several stages fit in one account', () => {
    const nameProps = [
      'TableName',
      'TopicName',
      'QueueName',
      'FunctionName',
      'RoleName',
      'LogGroupName',
      'UserPoolName',
      'AlarmName',
    ];
    for (const s of [dev, prod]) {
      for (const template of [s.statefulTemplate, s.statelessTemplate]) {
        for (const [id, resource] of Object.entries(resourcesOf(template))) {
          if (
            resource.Type === 'AWS::Lambda::Permission' ||
            resource.Type === 'AWS::Lambda::EventInvokeConfig'
          )
            continue;
          for (const prop of nameProps) expect(resource.Properties?.[prop], `${id}.${prop}`).toBeUndefined();
        }
      }
      for (const secret of Object.values(resourcesOf(s.statefulTemplate, 'AWS::SecretsManager::Secret'))) {
        expect(secret.Properties.Name).toBeUndefined();
      }
    }
  });

  it('passes cdk-nag AwsSolutions with every finding fixed or acknowledged with a reason', () => {
    for (const s of [dev, prod]) {
      const report = new AwsSolutionsChecks(s.app).validateScope(s.app);
      expect(
        report.violations.map(
          (violation) =>
            `${violation.ruleName} ${violation.violatingResources.map((r) => r.constructPath).join(',')}`,
        ),
      ).toEqual([]);
      const acknowledged = [s.statefulTemplate, s.statelessTemplate].flatMap((template) =>
        Object.values(resourcesOf(template)).flatMap(
          (resource) =>
            (
              resource.Metadata as
                | { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } }
                | undefined
            )?.cdk_nag?.rules_to_suppress ?? [],
        ),
      );
      // What `cdk synth` prints: every validation plugin's findings, warnings included.
      const written = JSON.parse(readFileSync(join(s.outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: { violations: { ruleName: string }[] }[];
      };
      expect(
        written.pluginReports.flatMap((plugin) => plugin.violations.map((violation) => violation.ruleName)),
      ).toEqual([]);
      expect(acknowledged.length).toBeGreaterThan(0);
      for (const rule of acknowledged) expect(rule.reason.length, rule.id).toBeGreaterThan(40);
    }
  });

  it('reads its settings from CDK context, never from process.env', () => {
    const infra = fileURLToPath(new URL('../../infra/', import.meta.url));
    const files = [
      'app.ts',
      ...['stacks', 'constructs'].flatMap((dir) =>
        readdirSync(join(infra, dir)).map((file) => `${dir}/${file}`),
      ),
    ];
    for (const file of files)
      expect(readFileSync(join(infra, file), 'utf8'), file).not.toContain('process.env');
  });

  it('gives every function the city settings from context, and none of them without it', () => {
    const city = { ALERT_TARGET: '85', ALERT_PERIODS: 'month,quarter', MIN_N: '50' };
    for (const [name] of SPECS) {
      const variables = (
        functionOf(prod, name).Properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(variables, name).toMatchObject(city);
      const devVariables = (
        functionOf(dev, name).Properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      for (const key of Object.keys(city)) expect(devVariables, name).not.toHaveProperty(key);
    }
  });

  it('refuses city settings the functions would refuse, naming the setting', async () => {
    const { citySettingsEnvironment } = await import('../../shared/config');
    expect(citySettingsEnvironment({ ALERT_TARGET: 85, ALERT_PERIODS: 'day,month' })).toEqual({
      ALERT_TARGET: '85',
      ALERT_PERIODS: 'day,month',
    });
    expect(() => citySettingsEnvironment({ ALERT_TARGET: 120 })).toThrow(
      /invalid city settings: ALERT_TARGET:/,
    );
    expect(() => citySettingsEnvironment({ ALERT_PERIODS: 'week' })).toThrow(/ALERT_PERIODS/);
    expect(() => citySettingsEnvironment({ MIN_N: 0 })).toThrow(/MIN_N/);
    expect(() => citySettingsEnvironment({ TABLE_NAME: 'other' })).toThrow(
      /city setting TABLE_NAME is unknown/,
    );
    expect(() => citySettingsEnvironment({ MIN_N: [30] })).toThrow(
      /MIN_N must be a number or a non-empty string/,
    );
    expect(() => citySettingsEnvironment({ ALERT_TARGET: '' })).toThrow(/ALERT_TARGET must be/);
    expect(() => citySettingsEnvironment({ PEER_MARGIN: ' ' })).toThrow(/PEER_MARGIN must be/);
    const { App } = await import('aws-cdk-lib');
    const { buildApp } = await import('../../infra/stacks/build-app');
    expect(() => buildApp(new App({ context: { city: 'not json' } }))).toThrow(
      /context city must be an object/,
    );
    expect(() => buildApp(new App({ context: { city: { ALERT_TARGET: -1 } } }))).toThrow(/ALERT_TARGET/);
  });

  it('refuses a Cognito domain or public URL the functions could not read, at synth', async () => {
    const { App } = await import('aws-cdk-lib');
    const { buildApp } = await import('../../infra/stacks/build-app');
    // every function but openapi would fail to start on these (loadConfig wants a full URL)
    expect(() =>
      buildApp(new App({ context: { cognitoDomain: 'sipas.auth.ap-southeast-1.amazoncognito.com' } })),
    ).toThrow(/context cognitoDomain must be a full https URL/);
    expect(() => buildApp(new App({ context: { publicBaseUrl: 'http://sipas.example.gov.vn' } }))).toThrow(
      /context publicBaseUrl must be a full https URL/,
    );
  });

  it('makes the Cognito sign-in domain when given its prefix, and gives its URL to the dashboard', () => {
    expect(Object.keys(resourcesOf(dev.statefulTemplate, 'AWS::Cognito::UserPoolDomain'))).toEqual([]);
    const domains = Object.values(resourcesOf(prod.statefulTemplate, 'AWS::Cognito::UserPoolDomain'));
    expect(domains).toHaveLength(1);
    expect(domains[0]!.Properties).toMatchObject({
      Domain: 'sipas-hanoi',
      UserPoolId: { Ref: logicalId(prod.stateful, prod.stateful.userPool) },
    });
    // https://sipas-hanoi.auth.<region>.amazoncognito.com, built from the prefix: no export, which
    // would pin the domain (a prefix change would replace it while the export is still imported)
    for (const [name] of SPECS) {
      const variables = (
        functionOf(prod, name).Properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(variables.COGNITO_DOMAIN, name).toEqual({
        'Fn::Join': ['', ['https://sipas-hanoi.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com']],
      });
      expect(variables.PUBLIC_BASE_URL, name).toBe('https://sipas.example.gov.vn');
    }
  });

  it('refuses a Cognito domain prefix Cognito would refuse, or one given beside a domain', async () => {
    const { App } = await import('aws-cdk-lib');
    const { buildApp } = await import('../../infra/stacks/build-app');
    for (const prefix of ['Sipas', 'sipas-', 'my-cognito', 'a'.repeat(64), ''])
      expect(() => buildApp(new App({ context: { cognitoDomainPrefix: prefix } })), prefix).toThrow(
        /context cognitoDomainPrefix/,
      );
    expect(() =>
      buildApp(
        new App({
          context: { cognitoDomainPrefix: 'sipas', cognitoDomain: 'https://login.example.gov.vn' },
        }),
      ),
    ).toThrow(/give one, not both/);
  });

  it('refuses a malformed stage name', async () => {
    const { stageSettings } = await import('../../infra/stacks/stage');
    expect(() => stageSettings('Prod!')).toThrow(/stage "Prod!"/);
    expect(() => stageSettings('test')).toThrow(/stage "test" is the test suite's/);
    expect(stageSettings('dev-lan').disposable).toBe(true);
    expect(stageSettings('staging').disposable).toBe(false);
  });
});
