/**
 * When the nightly job runs: 00:30 in Vietnam, half an hour after the day it closes has ended.
 * The CDK schedule and the local scheduler are both built from this.
 */
export const NIGHTLY = { hour: 0, minute: 30, timeZone: 'Asia/Ho_Chi_Minh' } as const;

/** EventBridge Scheduler's cron(minutes hours day-of-month month day-of-week year). */
export const NIGHTLY_EVENTBRIDGE_CRON = `cron(${NIGHTLY.minute} ${NIGHTLY.hour} * * ? *)`;

/** Five-field cron for the local scheduler. */
export const NIGHTLY_CRON = `${NIGHTLY.minute} ${NIGHTLY.hour} * * *`;

/**
 * The weekly digest: Mondays at 07:00 in Vietnam, after the Monday night's aggregation and before
 * the working week starts. The CDK schedule (stateless stack) and the local scheduler use these.
 */
export const DIGEST = { weekday: 'MON', hour: 7, minute: 0, timeZone: 'Asia/Ho_Chi_Minh' } as const;

export const DIGEST_EVENTBRIDGE_CRON = `cron(${DIGEST.minute} ${DIGEST.hour} ? * ${DIGEST.weekday} *)`;

export const DIGEST_CRON = `${DIGEST.minute} ${DIGEST.hour} * * 1`;
