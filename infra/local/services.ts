import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { buildApp } from 'fauxqs';

/**
 * The embedded stand-ins for the managed services: dynalite (DynamoDB API, on disk or in memory)
 * and fauxqs (SNS and SQS). Both listen on 127.0.0.1 only.
 */
export interface LocalServices {
  dynamoEndpoint: string;
  awsEndpoint: string;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** the DynamoDB data folder; in memory when absent */
  dataPath?: string;
  /** the SNS/SQS port; 0 picks a free one */
  awsPort: number;
  /** the DynamoDB port; 0 picks a free one */
  dynamoPort: number;
}

export async function startDynalite(
  port: number,
  dataPath?: string,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  if (dataPath) mkdirSync(dataPath, { recursive: true });
  const server: Server = dynalite({
    ...(dataPath ? { path: dataPath } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function startFauxqs(port: number): Promise<{ endpoint: string; stop(): Promise<void> }> {
  // fauxqs's own start function listens on every interface; building the app and listening
  // ourselves keeps it on loopback.
  const app = buildApp({ logger: false });
  const address = await app.listen({ port, host: '127.0.0.1' });
  return { endpoint: address, stop: () => app.close() };
}

export async function startServices(options: ServiceOptions): Promise<LocalServices> {
  const dynamo = await startDynalite(options.dynamoPort, options.dataPath);
  const aws = await startFauxqs(options.awsPort).catch(async (error: unknown) => {
    await dynamo.stop();
    throw error;
  });
  return {
    dynamoEndpoint: dynamo.endpoint,
    awsEndpoint: aws.endpoint,
    stop: async () => {
      await Promise.all([dynamo.stop(), aws.stop()]);
    },
  };
}
