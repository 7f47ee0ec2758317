import { createHmac } from 'node:crypto';
import { RateLimitedError } from '../errors';
import { logger } from '../logger';
import { vietnamDay } from '../methodology/periods';
import type { QrKeys } from '../qr/codes';
import { keys } from '../store/keys';
import type { RateCountersRepository } from '../store/rate-limit-repo';

export interface RatePolicy {
  /** fixed windows of this many seconds */
  windowSeconds: number;
  /** submissions per client per window; more is a 429 */
  perClient: number;
  /** ratings of one unit per client per window; more are flagged `burst` */
  burstFlagAfter: number;
}

/**
 * Generous on purpose: a one-stop counter's citizens often share the office Wi-Fi, so one address
 * may be many people. Bursts are flagged for an official to look at rather than refused.
 */
export const DEFAULT_RATE_POLICY: RatePolicy = { windowSeconds: 600, perClient: 30, burstFlagAfter: 3 };

export interface RateLimitDeps {
  rateCounters: RateCountersRepository;
  qrKeys: () => Promise<QrKeys>;
  ratePolicy: RatePolicy;
}

export interface ClientVerdict {
  /** set when the rating must be flagged for review */
  flagged?: 'burst';
  /** the counter this submission was added to, for giving the hit back if it was a retry */
  counted: { key: { PK: string; SK: string }; unitId: string };
}

/**
 * The client's identity for counting: HMAC of its address under a salt that changes every
 * Vietnam day (itself an HMAC of the current QR secret, so there is no extra secret to keep).
 * The address is never stored, and yesterday's hashes cannot be linked to today's.
 */
export function clientHash(secret: string, day: string, sourceIp: string): string {
  const salt = createHmac('sha256', secret).update(`rate-limit-salt\n${day}`).digest();
  return createHmac('sha256', salt).update(sourceIp).digest().subarray(0, 16).toString('base64url');
}

/**
 * Counts a submission from `sourceIp` for `unitId` at `now`: throws RateLimitedError past the
 * client's limit (Retry-After = the rest of the window), flags it past the burst threshold.
 */
export async function checkClient(
  input: { sourceIp: string; unitId: string; now: Date },
  deps: RateLimitDeps,
): Promise<ClientVerdict> {
  const { windowSeconds, perClient, burstFlagAfter } = deps.ratePolicy;
  const qrKeys = await deps.qrKeys();
  const secret = qrKeys.keys[String(qrKeys.current)]!;
  const hash = clientHash(secret, vietnamDay(input.now), input.sourceIp);
  const nowSeconds = Math.floor(input.now.getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % windowSeconds);
  const windowEnd = windowStart + windowSeconds;
  // Kept a day past its window so an operator can see recent counters; TTL removes it later.
  const expiresAt = windowEnd + 86_400;
  const key = keys.rateClient(hash, windowStart);
  const hits = await deps.rateCounters.hit(key, input.unitId, perClient, expiresAt);
  if (!hits) {
    throw new ClientLimitReached(
      'too many ratings from this device in a short time; try again later',
      windowEnd - nowSeconds,
      key,
    );
  }
  const counted = { key, unitId: input.unitId };
  return hits.unit > burstFlagAfter ? { flagged: 'burst', counted } : { counted };
}

/** The client has reached its limit in the window whose counter is `counter`. */
export class ClientLimitReached extends RateLimitedError {
  constructor(
    message: string,
    retryAfterSeconds: number,
    readonly counter: { PK: string; SK: string },
  ) {
    super(message, retryAfterSeconds);
  }
}

/**
 * Resends of a rating already stored are answered with it and do not use up the client's limit,
 * so that a phone resending on a bad connection is not refused or flagged as a burst. They have a
 * limit of their own, as many as the submissions, or they would be a way to send without limit.
 * Past it, a resend below the limit counts as a submission (uncountClient keeps the hit), and one
 * at the limit is refused (resendAtLimit says no). A failure to give a hit back is logged, not
 * passed to the citizen: the rating is already answered for.
 */
export async function uncountClient(
  verdict: ClientVerdict,
  deps: Pick<RateLimitDeps, 'rateCounters' | 'ratePolicy'>,
): Promise<void> {
  try {
    await deps.rateCounters.giveBack(verdict.counted.key, verdict.counted.unitId, deps.ratePolicy.perClient);
  } catch (error) {
    logger.warn('a resent submission stays counted against its client', { error });
  }
}

/** Whether a resend that came in at the client's limit may still be answered (see uncountClient). */
export function resendAtLimit(
  limit: ClientLimitReached,
  deps: Pick<RateLimitDeps, 'rateCounters' | 'ratePolicy'>,
): Promise<boolean> {
  return deps.rateCounters.countResend(limit.counter, deps.ratePolicy.perClient);
}
