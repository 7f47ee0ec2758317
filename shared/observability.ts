import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Config } from './config';

/**
 * The business metrics, as CloudWatch embedded-metric-format (EMF) lines on stdout: CloudWatch
 * Logs turns them into metrics with no API call on the request path, so a rating pays for one
 * small JSON line, not a PutMetricData round trip.
 *
 * Every metric lives in namespace `sipas` with the one dimension Powertools always adds,
 * `service=sipas`; an alarm must name that dimension (CloudWatch matches dimensions exactly).
 * Reasons and counts that would multiply metrics (each dimension value is a billed custom metric)
 * go in as EMF metadata instead: searchable in Logs Insights, free in CloudWatch Metrics.
 */
export const METRICS_NAMESPACE = 'sipas';
export const METRICS_SERVICE = 'sipas';
export const METRIC_DIMENSIONS = { service: METRICS_SERVICE } as const;

export const MetricName = {
  RatingStored: 'RatingStored',
  RatingRejected: 'RatingRejected',
  NightlyJobDuration: 'NightlyJobDuration',
  AlertPublished: 'AlertPublished',
} as const;

export interface BusinessMetrics {
  /** a new rating was written (a repeated submission is not counted again) */
  ratingStored(): void;
  /** a submission was refused with a 4xx; `reason` is the error code of the contract, never input */
  ratingRejected(reason: string): void;
  nightlyJobDuration(milliseconds: number, summary: { units: number; ratings: number }): void;
  /** alerts published to SNS in one run (the alerts job calls this once per run, after publishing) */
  alertsPublished(count: number): void;
}

/** Unset means: emit in the cloud, stay quiet in the local runtime and in tests. */
export function metricsEnabled(config: Pick<Config, 'METRICS' | 'LOCAL_RUNTIME' | 'STAGE'>): boolean {
  if (config.METRICS !== undefined) return config.METRICS === 'emf';
  return config.LOCAL_RUNTIME === 'false' && config.STAGE !== 'test';
}

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

const SILENT: BusinessMetrics = {
  ratingStored: () => undefined,
  ratingRejected: () => undefined,
  nightlyJobDuration: () => undefined,
  alertsPublished: () => undefined,
};

let emitter: Metrics | undefined;

/**
 * The metrics of a function, from its configuration. Each call flushes at once: one EMF line per
 * event, so nothing is lost if the invocation fails afterwards and nothing leaks into the next one.
 */
export function businessMetrics(
  config: Pick<Config, 'METRICS' | 'LOCAL_RUNTIME' | 'STAGE'>,
): BusinessMetrics {
  if (!metricsEnabled(config)) return SILENT;
  emitter ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  const metrics = emitter;
  const emit = (name: string, unit: Unit, value: number, metadata: Record<string, string | number> = {}) => {
    metrics.addMetric(name, unit, value);
    for (const [key, entry] of Object.entries(metadata)) metrics.addMetadata(key, String(entry));
    metrics.publishStoredMetrics();
  };
  return {
    ratingStored: () => emit(MetricName.RatingStored, MetricUnit.Count, 1),
    ratingRejected: (reason) => emit(MetricName.RatingRejected, MetricUnit.Count, 1, { reason }),
    nightlyJobDuration: (milliseconds, summary) =>
      emit(MetricName.NightlyJobDuration, MetricUnit.Milliseconds, milliseconds, summary),
    alertsPublished: (count) => {
      // A run that published nothing still reports 0, so "no alerts" and "no run" differ on a graph.
      emit(MetricName.AlertPublished, MetricUnit.Count, count);
    },
  };
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id that ties a request's log lines together: the caller's `x-correlation-id` when it is a
 * plain token (anything else could forge or break log lines), else API Gateway's request id.
 */
export function correlationIdOf(
  headers: Record<string, string | undefined> | undefined,
  requestId: string | undefined,
): string {
  const given = headers?.['x-correlation-id'];
  if (given !== undefined && CORRELATION_ID.test(given)) return given;
  return requestId ?? 'none';
}
