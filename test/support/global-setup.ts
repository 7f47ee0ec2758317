import type { TestProject } from 'vitest/node';
import { startDynalite, startFauxqs } from '../../infra/local/services';

/**
 * One dynalite (in memory) and one fauxqs for the whole run; every test file makes its own table
 * and topic in them, so files run in parallel without seeing each other's data.
 */
export default async function setup(project: TestProject) {
  const dynamo = await startDynalite(0);
  const aws = await startFauxqs(0);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('awsEndpoint', aws.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), aws.stop()]);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    awsEndpoint: string;
  }
}
