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
  // `dev` and personal stacks such as `dev-lan` are disposable; every other stage keeps its data.
  const disposable = stage === 'dev' || stage.startsWith('dev-');
  return {
    stage,
    disposable,
    removalPolicy: disposable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    logRetention: stage === 'prod' ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
  };
}
