import { createHash } from 'node:crypto';
import { $ZodError } from 'zod/v4/core';
import type { ImportedRating, RatingSubmission } from '../api/core-schemas';
import { ImportedRating as ImportedRatingSchema } from '../api/core-schemas';
import { mapConcurrent } from '../concurrency';
import type { Lang, Rating, RatingSource, Unit } from '../domain';
import { isWithin } from '../domain';
import {
  ConflictError,
  DomainError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '../errors';
import { checkAnswers } from '../methodology/answers';
import type { InstrumentRegistry } from '../methodology/instruments';
import { FIRST_YEAR, inServiceYears, vietnamDay } from '../methodology/periods';
import { maskPersonalNumbers } from '../privacy';
import { type QrKeys, verifyCode } from '../qr/codes';
import { isSameSubmission, type RatingsRepository } from '../store/ratings-repo';
import type { UnitsRepository } from '../store/units-repo';
import {
  ClientLimitReached,
  type ClientVerdict,
  checkClient,
  type RateLimitDeps,
  resendAtLimit,
  uncountClient,
} from './rate-limit';

export interface RatingDeps {
  units: UnitsRepository;
  ratings: RatingsRepository;
  registry: InstrumentRegistry;
  qrKeys: () => Promise<QrKeys>;
  clock: () => Date;
  newId: () => string;
}

export interface SubmitOutcome {
  id: string;
  duplicate: boolean;
  unitId: string;
}

interface RatingDraft {
  unit: Unit;
  submissionId: string;
  receivedAt: Date;
  answers: Record<string, number>;
  counter?: string;
  procedure?: string;
  dossier?: string;
  comment?: string;
  lang: Lang;
  source: RatingSource;
  flagged?: string;
}

/**
 * A citizen's rating from a QR code (POST /v1/ratings): verified, validated, counted against the
 * client's rate limit, stored once, flagged if part of a burst. Only valid submissions count, and
 * a valid one refused because its dossier is already rated still does: otherwise the 409 would
 * let anyone probe which dossier codes have been rated, at any speed. A resent submission that is
 * already stored is answered with it and does not count, not even at the limit, where a new one
 * would get 429, while it has resends left (uncountClient).
 */
export async function submitRating(
  input: RatingSubmission,
  deps: RatingDeps & Partial<RateLimitDeps>,
  client?: { sourceIp: string },
): Promise<SubmitOutcome> {
  const target = verifyCode(await deps.qrKeys(), input.code);
  if (input.counter && target.counter && input.counter !== target.counter) {
    throw new ValidationError('the counter does not match the QR code', [
      { field: 'counter', message: 'differs from the counter the QR code was printed for' },
    ]);
  }
  const unit = await deps.units.get(target.unitId);
  if (!unit) throw new NotFoundError('this QR code points to a unit that does not exist');
  const counter = target.counter ?? input.counter;
  const receivedAt = deps.clock();
  let verdict: ClientVerdict | undefined;
  if (client && deps.rateCounters && deps.ratePolicy) {
    const instrument = deps.registry.get(unit.instrument);
    const issues = instrument ? checkAnswers(input.answers, instrument) : [];
    if (issues.length > 0) throw new ValidationError('some answers are not valid', issues);
    try {
      verdict = await checkClient(
        { sourceIp: client.sourceIp, unitId: unit.id, now: receivedAt },
        { rateCounters: deps.rateCounters, ratePolicy: deps.ratePolicy, qrKeys: deps.qrKeys },
      );
    } catch (error) {
      // The limit is on new ratings: a resend of one already stored gets its answer, not a 429,
      // while the client has resends left in the window (resendAtLimit).
      if (error instanceof ClientLimitReached) {
        const stored = await storedRetry(input, unit.id, deps);
        if (
          stored &&
          (await resendAtLimit(error, { rateCounters: deps.rateCounters, ratePolicy: deps.ratePolicy }))
        )
          return stored;
      }
      throw error;
    }
  }
  const outcome = await storeDraft(
    {
      unit,
      submissionId: input.submissionId ?? deps.newId(),
      receivedAt,
      answers: input.answers,
      ...(counter ? { counter } : {}),
      ...(input.procedure ? { procedure: input.procedure } : {}),
      ...(input.dossier ? { dossier: input.dossier } : {}),
      ...(input.comment ? { comment: input.comment } : {}),
      lang: input.lang ?? 'vi',
      source: 'survey',
      ...(verdict?.flagged ? { flagged: verdict.flagged } : {}),
    },
    deps,
  );
  if (outcome.duplicate && verdict && deps.rateCounters && deps.ratePolicy) {
    await uncountClient(verdict, { rateCounters: deps.rateCounters, ratePolicy: deps.ratePolicy });
  }
  return outcome;
}

/** The answer to a resent submission that is already stored, or undefined if it is not a retry. */
async function storedRetry(
  input: RatingSubmission,
  unitId: string,
  deps: RatingDeps,
): Promise<SubmitOutcome | undefined> {
  if (!input.submissionId) return undefined;
  const ref = { unitId, submissionId: input.submissionId };
  const existing = await deps.ratings.find({ ...ref, ...(input.dossier ? { dossier: input.dossier } : {}) });
  if (!existing || !isSameSubmission(existing, ref)) return undefined;
  return { id: existing.id, duplicate: true, unitId: existing.unitId };
}

async function storeDraft(draft: RatingDraft, deps: RatingDeps): Promise<SubmitOutcome> {
  const instrument = deps.registry.get(draft.unit.instrument);
  if (!instrument) throw new Error(`unit ${draft.unit.id} uses unknown instrument ${draft.unit.instrument}`);
  const issues = checkAnswers(draft.answers, instrument);
  if (issues.length > 0) throw new ValidationError('some answers are not valid', issues);
  const comment = draft.comment ? maskPersonalNumbers(draft.comment.trim()) : undefined;
  const rating: Rating = {
    id: deps.newId(),
    submissionId: draft.submissionId,
    unitId: draft.unit.id,
    receivedAt: draft.receivedAt.toISOString(),
    day: vietnamDay(draft.receivedAt),
    instrument: instrument.id,
    instrumentVersion: instrument.version,
    answers: draft.answers,
    ...(draft.counter ? { counter: draft.counter } : {}),
    // The procedure is free text too, so it gets the same masking as a comment.
    ...(draft.procedure ? { procedure: maskPersonalNumbers(draft.procedure) } : {}),
    ...(draft.dossier ? { dossier: draft.dossier } : {}),
    ...(comment ? { comment } : {}),
    lang: draft.lang,
    source: draft.source,
    ...(draft.flagged ? { flagged: draft.flagged } : {}),
  };
  const result = await deps.ratings.store(rating);
  if (result.stored) return { id: rating.id, duplicate: false, unitId: rating.unitId };
  if (isSameSubmission(result.existing, rating)) {
    return { id: result.existing.id, duplicate: true, unitId: result.existing.unitId };
  }
  throw new ConflictError('this dossier has already been rated');
}

export interface ImportOutcome {
  accepted: number;
  duplicates: number;
  rejected: { index: number; error: string }[];
}

/**
 * Ratings typed in from paper forms or carried over from an older system. Each is validated as
 * strictly as a live one. Without a submissionId, one is derived from the rating's content and
 * its place among the rows of the file with the same content: two identical forms (same office,
 * same day, all 5s) are two ratings, and the same file sent twice, or again with rows added at
 * its end, stores each rating once.
 */
export async function importRatings(
  raw: readonly unknown[],
  scopePath: string,
  deps: RatingDeps,
): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { accepted: 0, duplicates: 0, rejected: [] };
  const unitCache = new Map<string, Promise<Unit | undefined>>();
  const unitOf = (id: string) => {
    if (!unitCache.has(id)) unitCache.set(id, deps.units.get(id));
    return unitCache.get(id)!;
  };
  const now = deps.clock();
  const derivedIds = contentIds(raw);
  await mapConcurrent(raw, 8, async (entry, index) => {
    try {
      const input = ImportedRatingSchema.parse(entry);
      const unit = await unitOf(input.unitId);
      if (!unit || !isWithin(unit.path, scopePath))
        throw new NotFoundError(`no unit ${input.unitId} in your area`);
      // Its ratings would count for the unit it joined, perhaps in another area: import them there.
      if (unit.mergedInto) {
        // named only to someone who may see it (an official learns nothing outside their area)
        const target = await unitOf(unit.mergedInto);
        const into = target && isWithin(target.path, scopePath) ? unit.mergedInto : 'another unit';
        throw new ValidationError(`unit ${unit.id} was merged into ${into}`, [
          { field: 'unitId', message: `was merged into ${into}: import its forms there` },
        ]);
      }
      const receivedAt = new Date(input.receivedAt);
      if (receivedAt.getTime() > now.getTime()) {
        throw new ValidationError('in the future', [{ field: 'receivedAt', message: 'is in the future' }]);
      }
      if (!inServiceYears(vietnamDay(receivedAt))) {
        throw new ValidationError('too long ago', [
          { field: 'receivedAt', message: `is before ${FIRST_YEAR}, which no period covers` },
        ]);
      }
      const result = await storeDraft(
        {
          unit,
          submissionId: input.submissionId ?? derivedIds[index]!,
          receivedAt,
          answers: input.answers,
          ...(input.counter ? { counter: input.counter } : {}),
          ...(input.procedure ? { procedure: input.procedure } : {}),
          ...(input.dossier ? { dossier: input.dossier } : {}),
          ...(input.comment ? { comment: input.comment } : {}),
          lang: input.lang ?? 'vi',
          source: 'import',
        },
        deps,
      );
      if (result.duplicate) outcome.duplicates++;
      else outcome.accepted++;
    } catch (error) {
      outcome.rejected.push({ index, error: describe(error) });
    }
  });
  outcome.rejected.sort((a, b) => a.index - b.index);
  return outcome;
}

/**
 * The submission id of each row without one: a hash of its content, and for the second and later
 * rows of the same content in the file, of its count among them (the first keeps the id imports
 * have always given it). Rows that do not parse get none; they are rejected in their turn.
 */
function contentIds(raw: readonly unknown[]): (string | undefined)[] {
  const seen = new Map<string, number>();
  return raw.map((entry) => {
    const parsed = ImportedRatingSchema.safeParse(entry);
    // Rows with an id of their own are told apart by it, and do not shift the count of others.
    if (!parsed.success || parsed.data.submissionId !== undefined) return undefined;
    const content = contentOf(parsed.data);
    const occurrence = (seen.get(content) ?? 0) + 1;
    seen.set(content, occurrence);
    const hashed = occurrence === 1 ? content : `${content}\n#${occurrence}`;
    return `imp-${createHash('sha256').update(hashed).digest('base64url').slice(0, 40)}`;
  });
}

function contentOf(input: ImportedRating): string {
  const answers = Object.keys(input.answers)
    .sort()
    .map((id) => `${id}=${input.answers[id]}`);
  return [
    input.unitId,
    new Date(input.receivedAt).toISOString(),
    answers.join('&'),
    input.counter ?? '',
    input.dossier ?? '',
    input.procedure ?? '',
    input.comment ?? '',
  ].join('\n');
}

/** What a rejected row says; the database being away is no fault of a row: the whole call gets 503. */
function describe(error: unknown): string {
  if (error instanceof ServiceUnavailableError) throw error;
  if (error instanceof $ZodError) {
    return error.issues.map((issue) => `${issue.path.join('.') || 'rating'}: ${issue.message}`).join('; ');
  }
  if (error instanceof ValidationError) return error.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  if (error instanceof DomainError) return error.message;
  throw error;
}
