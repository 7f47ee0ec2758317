import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** What differs between stages. Everything else is the same everywhere, so dev rehearses prod. */
export interface StageSettings {
  stage: string;
  /** dev stages are disposable: their data may be destroyed with the stack */
  disposable: boolean;
  removalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
}

// Stage names become part of stack names and of CloudFormation export names.
const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;

export function stageSettings(stage: string): StageSettings {
  if (!STAGE_NAME.test(stage)) {
    throw new Error(
      `stage "${stage}" must be lowercase letters, digits and dashes (at most 20), e.g. -c stage=prod`,
    );
  }
  // The test suite's own name: functions of a stage called so would emit no metrics
  // (metricsEnabled in shared/observability.ts), and the no-ratings alarm would never clear.
  if (stage === 'test')
    throw new Error('stage "test" is the test suite\'s; name the stage otherwise, e.g. staging');
  // `dev` and personal stacks such as `dev-lan` are disposable; every other stage keeps its data.
  const disposable = stage === 'dev' || stage.startsWith('dev-');
  return {
    stage,
    disposable,
    removalPolicy: disposable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    logRetention: stage === 'prod' ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
  };
}
