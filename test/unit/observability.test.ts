import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../../shared/errors';
import { httpHandler } from '../../shared/http/middy';
import { json } from '../../shared/http/responses';
import type { HttpEvent } from '../../shared/http/types';
import { businessMetrics, correlationIdOf, metricsEnabled } from '../../shared/observability';

const CLOUD = { METRICS: undefined, LOCAL_RUNTIME: 'false', STAGE: 'prod' } as const;

function event(headers: Record<string, string> = {}): HttpEvent {
  return {
    version: '2.0',
    routeKey: 'POST /v1/ratings',
    rawPath: '/v1/ratings',
    rawQueryString: '',
    headers,
    requestContext: { requestId: 'apigw-req-1', routeKey: 'POST /v1/ratings' },
    isBase64Encoded: false,
  } as unknown as HttpEvent;
}

/** Everything written to stdout and stderr while `run` runs (EMF lines, log lines). */
async function stdoutOf(run: () => unknown): Promise<string[]> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join('').split('\n').filter(Boolean);
}

afterEach(() => vi.restoreAllMocks());

describe('business metrics', () => {
  it('are on in the cloud and off in the local runtime and tests unless asked for', () => {
    expect(metricsEnabled(CLOUD)).toBe(true);
    expect(metricsEnabled({ ...CLOUD, LOCAL_RUNTIME: 'true' })).toBe(false);
    expect(metricsEnabled({ ...CLOUD, STAGE: 'test' })).toBe(false);
    expect(metricsEnabled({ ...CLOUD, LOCAL_RUNTIME: 'true', METRICS: 'emf' })).toBe(true);
    expect(metricsEnabled({ ...CLOUD, METRICS: 'off' })).toBe(false);
  });

  it('writes one EMF line per event in namespace sipas with the service dimension the alarm names', async () => {
    const metrics = businessMetrics(CLOUD);
    const lines = await stdoutOf(() => {
      metrics.ratingStored();
      metrics.ratingRejected('invalid_input');
    });
    expect(lines).toHaveLength(2);
    const [stored, rejected] = lines.map((line) => JSON.parse(line));
    expect(stored._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'sipas', Dimensions: [['service']], Metrics: [{ Name: 'RatingStored', Unit: 'Count' }] },
    ]);
    expect(stored).toMatchObject({ service: 'sipas', RatingStored: 1 });
    // The reason is metadata, not a dimension: no extra billed metric per error code.
    expect(rejected).toMatchObject({ RatingRejected: 1, reason: 'invalid_input' });
    expect(rejected._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
  });

  it('prints nothing when off', async () => {
    const metrics = businessMetrics({ ...CLOUD, STAGE: 'test' });
    const lines = await stdoutOf(() => {
      metrics.ratingStored();
      metrics.nightlyJobDuration(1234, { units: 3, ratings: 10 });
      metrics.alertsPublished(2);
    });
    expect(lines).toEqual([]);
  });

  it('reports a run that published no alerts as 0, and durations in milliseconds', async () => {
    const metrics = businessMetrics(CLOUD);
    const lines = await stdoutOf(() => {
      metrics.alertsPublished(0);
      metrics.nightlyJobDuration(5000, { units: 3321, ratings: 100000 });
    });
    const [alerts, nightly] = lines.map((line) => JSON.parse(line));
    expect(alerts.AlertPublished).toBe(0);
    expect(nightly._aws.CloudWatchMetrics[0].Metrics).toEqual([
      { Name: 'NightlyJobDuration', Unit: 'Milliseconds' },
    ]);
    expect(nightly).toMatchObject({ NightlyJobDuration: 5000, units: '3321', ratings: '100000' });
  });
});

describe('correlation id', () => {
  it('takes a plain x-correlation-id token, else the API Gateway request id', () => {
    expect(correlationIdOf({ 'x-correlation-id': 'abc-123' }, 'req')).toBe('abc-123');
    expect(correlationIdOf({}, 'req')).toBe('req');
    // A forged log line or an oversized value is ignored, not logged.
    expect(correlationIdOf({ 'x-correlation-id': 'a\n{"level":"ERROR"}' }, 'req')).toBe('req');
    expect(correlationIdOf({ 'x-correlation-id': 'x'.repeat(129) }, 'req')).toBe('req');
  });

  it('is echoed on answers and errors, and stamped on the log lines of a failed request', async () => {
    const ok = httpHandler(async () => json(200, {}));
    const refused = vi.fn();
    const notFound = httpHandler(
      async () => {
        throw new NotFoundError('no such unit');
      },
      { onRefused: refused },
    );
    const broken = httpHandler(async () => {
      throw new Error('boom');
    });
    const context = {} as Context;
    const answer = await ok(event({ 'x-correlation-id': 'client-7' }), context);
    expect(answer.headers['x-correlation-id']).toBe('client-7');
    const refusal = await notFound(event(), context);
    expect(refusal.headers['x-correlation-id']).toBe('apigw-req-1');
    expect(refused).toHaveBeenCalledWith(expect.objectContaining({ status: 404, code: 'not_found' }));

    let failure: Awaited<ReturnType<typeof broken>> | undefined;
    const lines = await stdoutOf(async () => {
      failure = await broken(event({ 'x-correlation-id': 'client-8' }), context);
    });
    expect(failure?.statusCode).toBe(500);
    const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.message === 'request failed');
    expect(logged).toMatchObject({ correlationId: 'client-8', requestId: 'apigw-req-1' });
  });
});
