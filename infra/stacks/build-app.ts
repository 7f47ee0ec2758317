import { App, Aws, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { citySettingsEnvironment } from '../../shared/config';
import { stageSettings } from './stage';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface SipasStacks {
  app: App;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/**
 * The whole cloud side for one stage. Settings come from CDK context only (`-c stage=prod`,
 * cdk.json), never from the environment, and the stacks are environment-agnostic: synth needs no
 * credentials and makes no lookups.
 */
export function buildApp(app: App = new App()): SipasStacks {
  // Strong references (CloudFormation exports) stop the stateful stack from dropping what the
  // stateless stack still uses; said explicitly, as CDK now asks, unless the caller chose otherwise.
  const referenceStrength = '@aws-cdk/core:defaultCrossStackReferences';
  if (app.node.tryGetContext(referenceStrength) === undefined)
    app.node.setContext(referenceStrength, 'strong');
  const settings = stageSettings(contextString(app, 'stage', 'dev'));
  const publicBase = optionalContext(app, 'publicBaseUrl');
  // The dashboard sends officials back to its own origin's /dashboard (dashboard-page.ts).
  const callbackUrl = contextString(
    app,
    'callbackUrl',
    publicBase.publicBaseUrl
      ? new URL('/dashboard', publicBase.publicBaseUrl).href
      : 'http://localhost:3000/dashboard',
  );
  const logoutUrl = contextString(app, 'logoutUrl', new URL('/', callbackUrl).href);
  const cognitoDomain = optionalContext(app, 'cognitoDomain');
  const signInDomainPrefix = domainPrefixContext(app);
  if (signInDomainPrefix && cognitoDomain.cognitoDomain)
    throw new Error('context cognitoDomain and cognitoDomainPrefix: give one, not both');
  const prefix = `Sipas-${settings.stage}`;

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    description: `sipas ${settings.stage}: table, QR keys, officials' user pool, topics`,
    settings,
    callbackUrls: [callbackUrl],
    logoutUrls: [logoutUrl],
    ...(signInDomainPrefix ? { signInDomainPrefix } : {}),
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    description: `sipas ${settings.stage}: HTTP API, functions, nightly schedule, alarms`,
    settings,
    table: stateful.table,
    alertsTopic: stateful.alertsTopic,
    operationsTopic: stateful.operationsTopic,
    qrSecret: stateful.qrSecret,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    // Built from the prefix, not imported from the stateful stack: an export still imported
    // could not change, and with it the prefix.
    ...(signInDomainPrefix
      ? { cognitoDomain: `https://${signInDomainPrefix}.auth.${Aws.REGION}.amazoncognito.com` }
      : cognitoDomain),
    ...publicBase,
    throttle: {
      rateLimit: contextNumber(app, 'apiRateLimit', 100),
      burstLimit: contextNumber(app, 'apiBurstLimit', 200),
    },
    citySettings: citySettingsEnvironment(contextObject(app, 'city')),
  });

  Tags.of(app).add('project', 'sipas');
  Tags.of(app).add('stage', settings.stage);
  // cdk-nag 3 is a policy-validation plugin: any unacknowledged finding fails the synth. The
  // acknowledgements (each with its reason) are copied into the template's Metadata for audit.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
  return { app, stateful, stateless };
}

function contextString(app: App, key: string, fallback: string): string {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0)
    throw new Error(`context ${key} must be a non-empty string`);
  return value;
}

/**
 * A URL the functions will read (COGNITO_DOMAIN, PUBLIC_BASE_URL): checked here as they check it,
 * so a bare host name fails `cdk synth` instead of every function's start.
 */
function optionalContext(
  app: App,
  key: 'cognitoDomain' | 'publicBaseUrl',
): Partial<Record<typeof key, string>> {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return {};
  const text = contextString(app, key, '');
  if (!URL.canParse(text) || new URL(text).protocol !== 'https:') {
    throw new Error(`context ${key} must be a full https URL (https://…), not ${JSON.stringify(text)}`);
  }
  return { [key]: text };
}

/**
 * The prefix of a Cognito sign-in domain for the stack to create
 * (`https://<prefix>.auth.<region>.amazoncognito.com`), checked by Cognito's rules for one.
 */
function domainPrefixContext(app: App): string | undefined {
  if (app.node.tryGetContext('cognitoDomainPrefix') === undefined) return undefined;
  const prefix = contextString(app, 'cognitoDomainPrefix', '');
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix) || /aws|amazon|cognito/.test(prefix)) {
    throw new Error(
      `context cognitoDomainPrefix must be 1-63 lowercase letters, digits and inner hyphens, without aws, amazon or cognito, not ${JSON.stringify(prefix)}`,
    );
  }
  return prefix;
}

/** An object from cdk.json, or the same as JSON text from the command line (`-c city='{…}'`). */
function contextObject(app: App, key: string): Record<string, unknown> {
  let value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new Error(`context ${key} must be an object, or JSON text of one`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`context ${key} must be an object, or JSON text of one`);
  return value as Record<string, unknown>;
}

function contextNumber(app: App, key: string, fallback: number): number {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return fallback;
  // `-c key=50` arrives as a string.
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`context ${key} must be a positive number`);
  return parsed;
}
