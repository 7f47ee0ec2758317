import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LocalHandler, startGateway } from '../../infra/local/gateway';
import { FUNCTIONS } from '../../shared/routes';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  vi.restoreAllMocks();
});

async function gatewayWith(openapi: LocalHandler, timeoutMs?: number) {
  const gateway = await startGateway({
    port: 0,
    handlers: { openapi },
    verifyToken: async () => undefined,
    ...(timeoutMs === undefined ? {} : { timeoutMs: () => timeoutMs }),
  });
  stops.push(gateway.stop);
  return gateway;
}

describe('the local gateway and a function’s time limit', () => {
  it('answers 500 as API Gateway does when a function runs past its limit, and logs it as Lambda does', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let late: (() => void) | undefined;
    let requestId: string | undefined;
    const gateway = await gatewayWith(
      (_event, context) =>
        new Promise((resolve) => {
          requestId = context.awsRequestId;
          late = () => resolve({ statusCode: 200, headers: {}, body: 'too late' });
        }),
      150,
    );
    const answer = await fetch(`${gateway.url}/v1/openapi.json`);
    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual({ message: 'Internal Server Error' });
    expect(logged.mock.calls[0]?.[0]).toBe(`${requestId} Task timed out after 0.15 seconds (openapi)`);
    // what the function answers after its limit goes nowhere
    late!();
  });

  it('gives a function the limit and memory the stack gives it', async () => {
    let context: Context | undefined;
    const gateway = await gatewayWith(async (_event, given) => {
      context = given;
      return { statusCode: 200, headers: {}, body: '{}' };
    });
    expect((await fetch(`${gateway.url}/v1/openapi.json`)).status).toBe(200);
    const limitMs = FUNCTIONS.openapi.timeoutSeconds * 1000;
    expect(context!.getRemainingTimeInMillis()).toBeLessThanOrEqual(limitMs);
    expect(context!.getRemainingTimeInMillis()).toBeGreaterThan(limitMs - 5_000);
    expect(context!.memoryLimitInMB).toBe(String(FUNCTIONS.openapi.memoryMb));
  });
});
