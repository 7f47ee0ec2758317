import { CfnOutput, type CfnResource, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { TABLE_DEFINITION } from '../../shared/store/table-definition';
import type { StageSettings } from './stage';

export interface StatefulStackProps extends StackProps {
  settings: StageSettings;
  /** where Cognito may send officials back after signing in */
  callbackUrls: string[];
  logoutUrls: string[];
  /** when given, the stack creates the Cognito sign-in domain `https://<prefix>.auth.<region>.amazoncognito.com` */
  signInDomainPrefix?: string;
}

/** The roles the handlers recognise (shared/auth/principal.ts). */
export const OFFICIAL_GROUPS = ['admin', 'official'] as const;

/**
 * What must survive a redeploy: the table, the QR signing keys (losing them voids every printed
 * poster), the officials' user pool and the topics people subscribe to.
 */
export class StatefulStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly alertsTopic: sns.Topic;
  readonly operationsTopic: sns.Topic;
  readonly qrSecret: secretsmanager.Secret;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const keep = !settings.disposable;

    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: key(TABLE_DEFINITION.partitionKey),
      sortKey: key(TABLE_DEFINITION.sortKey),
      globalSecondaryIndexes: TABLE_DEFINITION.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: TABLE_DEFINITION.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: keep,
      removalPolicy: settings.removalPolicy,
    });

    // The AWS managed key costs nothing and lets any publisher in the account encrypt through SNS.
    const snsManagedKey = kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns');
    this.alertsTopic = new sns.Topic(this, 'AlertsTopic', {
      displayName: `sipas ${settings.stage} alerts`,
      enforceSSL: true,
      masterKey: snsManagedKey,
    });
    this.operationsTopic = new sns.Topic(this, 'OperationsTopic', {
      displayName: `sipas ${settings.stage} operations`,
      enforceSSL: true,
    });
    Validations.of(this.operationsTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Carries only CloudWatch alarm state changes, no personal data. CloudWatch cannot publish to a topic ' +
        'encrypted with the AWS managed key, and a customer managed key for alarm names is not worth its cost.',
    });

    this.qrSecret = new secretsmanager.Secret(this, 'QrSigningKeys', {
      description: `sipas ${settings.stage}: HMAC keys that sign QR codes (shared/qr/codes.ts QrKeysSchema)`,
      // The shape QrKeysSchema parses; an operator rotates by adding k2 and setting current to 2.
      // Never edit: CloudFormation generates a new value when these settings change, which would
      // retire every printed poster at the next deploy (test/infra/stacks.test.ts pins them).
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ current: 1, retired: [] }),
        generateStringKey: 'k1',
        passwordLength: 48,
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: settings.removalPolicy,
    });
    Validations.of(this.qrSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the QR key retires every printed poster, so it is a planned operator procedure ' +
        '(docs/operations.md), never an automatic schedule.',
    });

    this.userPool = new cognito.UserPool(this, 'Officials', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      customAttributes: {
        // The root of the subtree an official may act on (principal.ts reads custom:unitId).
        unitId: new cognito.StringAttribute({ mutable: true, minLen: 1, maxLen: 64 }),
      },
      deletionProtection: keep,
      removalPolicy: settings.removalPolicy,
    });
    // On the CfnUserPool itself: acknowledging the L2 would also cover the client added under it.
    Validations.of(this.userPool.node.defaultChild as CfnResource).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Accounts are created by administrators only (no self sign-up), with a strong password policy and ' +
        'TOTP MFA required; the Plus tier threat protection is a cost decision left to each deployment.',
    });
    for (const group of OFFICIAL_GROUPS) {
      this.userPool.addGroup(`${group[0]!.toUpperCase()}${group.slice(1)}Group`, {
        groupName: group,
        description:
          group === 'admin' ? 'everything, everywhere' : 'their unit (custom:unitId) and its subtree',
      });
    }

    const standard = { email: true, emailVerified: true, fullname: true };
    this.userPoolClient = this.userPool.addClient('Dashboard', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.logoutUrls,
      },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes(standard)
        .withCustomAttributes('unitId'),
      // custom:unitId is the official's scope: an official writing it would widen their own
      // access, so only administrators (through the Cognito admin API) may set it.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });

    if (props.signInDomainPrefix) {
      const domain = this.userPool.addDomain('SignIn', {
        cognitoDomain: { domainPrefix: props.signInDomainPrefix },
      });
      new CfnOutput(this, 'SignInUrl', { value: domain.baseUrl() });
    }

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }
}
