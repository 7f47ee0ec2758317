import * as z from 'zod/mini';
import { parseInternal } from '../errors';
import '../zod-locale';
import type { Rating } from '../domain';
import {
  conditionally,
  type Db,
  getItem,
  type Item,
  isConditionFailed,
  putItem,
  queryPages,
  withAvailability,
} from './dynamo';
import { keys } from './keys';

const RatingItem = z.object({
  id: z.string(),
  submissionId: z.string(),
  unitId: z.string(),
  receivedAt: z.string(),
  day: z.string(),
  instrument: z.string(),
  instrumentVersion: z.number(),
  answers: z.record(z.string(), z.number()),
  counter: z.optional(z.string()),
  procedure: z.optional(z.string()),
  dossier: z.optional(z.string()),
  comment: z.optional(z.string()),
  lang: z.enum(['vi', 'en']),
  source: z.enum(['survey', 'import']),
  flagged: z.optional(z.string()),
});

function toRating(item: Item): Rating {
  return parseInternal(RatingItem, item, 'a stored rating');
}

/** What a rating stored under its dossier leaves at its submission id (store). */
const SubmissionMarker = z.object({
  type: z.literal('submission'),
  id: z.string(),
  submissionId: z.string(),
  unitId: z.string(),
});

/** A stored rating, as much of it as answers a resent submission. */
export type StoredRating = Pick<Rating, 'id' | 'submissionId' | 'unitId'>;

const storedOf = ({ id, submissionId, unitId }: StoredRating): StoredRating => ({ id, submissionId, unitId });

/** The rating an item at a rating key stands for: the rating itself, or a dossier rating's marker. */
function toStored(item: Item): StoredRating {
  if (item.type === 'submission') return parseInternal(SubmissionMarker, item, 'a stored submission marker');
  return storedOf(toRating(item));
}

export function ratingKey(rating: Pick<Rating, 'dossier' | 'submissionId' | 'unitId'>) {
  return rating.dossier
    ? keys.ratingByDossier(rating.dossier)
    : keys.ratingBySubmission(rating.unitId, rating.submissionId);
}

/** Whether a stored rating is this submission: the same id, from the same unit. */
export function isSameSubmission(
  stored: StoredRating,
  ref: Pick<Rating, 'submissionId' | 'unitId'>,
): boolean {
  return stored.submissionId === ref.submissionId && stored.unitId === ref.unitId;
}

export type StoreResult = { stored: true; rating: Rating } | { stored: false; existing: StoredRating };

export class RatingsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores a rating with one conditional PutItem. If its key is taken (the same submission again,
   * or its dossier already rated), nothing is written and the rating already there is returned.
   * A rating with a dossier is keyed by the dossier, so its submission id is looked up first (the
   * same submission stored before without the dossier: a citizen went back to add it), and marked
   * after (so the same submission sent again without the dossier finds it). A crash between the
   * rating and its mark loses nothing, and a retry with the dossier writes the mark; a resend
   * without it before that retry, or at the same moment as the first, is stored a second time.
   */
  store(rating: Rating): Promise<StoreResult> {
    return withAvailability(async () => {
      const key = ratingKey(rating);
      const submissionKey = keys.ratingBySubmission(rating.unitId, rating.submissionId);
      if (rating.dossier) {
        const earlier = await getItem(this.db, { Key: submissionKey, ConsistentRead: true });
        if (earlier) return { stored: false, existing: toStored(earlier) };
      }
      const mark = (ref: StoredRating) =>
        // Never over a rating stored there meanwhile without its dossier: that one stays.
        conditionally(() =>
          putItem(this.db, {
            Item: { ...submissionKey, type: 'submission', ...ref },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      try {
        await putItem(this.db, {
          Item: {
            ...key,
            ...keys.ratingUnitDay(rating.unitId, rating.day, rating.receivedAt, rating.id),
            type: 'rating',
            ...rating,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        });
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        const item = await getItem(this.db, { Key: key, ConsistentRead: true });
        if (!item) throw error;
        const existing = toStored(item);
        // A retry of a rating stored before its marker was: the retry completes the pair.
        if (rating.dossier && isSameSubmission(existing, rating)) await mark(existing);
        return { stored: false, existing };
      }
      if (rating.dossier) await mark(storedOf(rating));
      return { stored: true, rating };
    });
  }

  /** The rating stored under a unit's submission id (or under its dossier, when it names one), if any. */
  find(ref: Pick<Rating, 'dossier' | 'submissionId' | 'unitId'>): Promise<StoredRating | undefined> {
    return withAvailability(async () => {
      for (const key of [
        keys.ratingBySubmission(ref.unitId, ref.submissionId),
        ...(ref.dossier ? [keys.ratingByDossier(ref.dossier)] : []),
      ]) {
        const item = await getItem(this.db, { Key: key, ConsistentRead: true });
        if (item) return toStored(item);
      }
      return undefined;
    });
  }

  /** One unit-day's ratings, page by page (the nightly job's only read of raw ratings). */
  async *unitDay(unitId: string, day: string): AsyncGenerator<Rating[]> {
    const pages = queryPages(this.db, {
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.unitDayRatings(unitId, day) },
    });
    for await (const page of pages) yield page.map(toRating);
  }

  /** One unit-day's ratings flagged for review (access pattern 13): reads the day, returns the flagged few. */
  async flaggedOnDay(
    unitId: string,
    day: string,
  ): Promise<{ id: string; receivedAt: string; reason: string }[]> {
    return withAvailability(async () => {
      const found: { id: string; receivedAt: string; reason: string }[] = [];
      const pages = queryPages(this.db, {
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        FilterExpression: 'attribute_exists(flagged)',
        ExpressionAttributeValues: { ':pk': keys.unitDayRatings(unitId, day) },
        ProjectionExpression: 'id, receivedAt, flagged',
      });
      for await (const page of pages) {
        for (const item of page) {
          const { id, receivedAt, flagged } = parseInternal(FlaggedItem, item, 'a stored rating');
          found.push({ id, receivedAt, reason: flagged });
        }
      }
      return found;
    });
  }

  /** Only the instrument and answers of one unit-day's ratings: what a histogram needs, at a fraction of the bytes. */
  async *unitDayAnswers(unitId: string, day: string): AsyncGenerator<RatedAnswers[]> {
    const pages = queryPages(this.db, {
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.unitDayRatings(unitId, day) },
      ProjectionExpression: 'instrument, answers',
    });
    for await (const page of pages) yield page.map(toRatedAnswers);
  }
}

const FlaggedItem = z.object({ id: z.string(), receivedAt: z.string(), flagged: z.string() });

const RatedAnswers = z.object({
  instrument: z.string(),
  answers: z.record(z.string(), z.number().check(z.int())),
});
export type RatedAnswers = z.infer<typeof RatedAnswers>;

/**
 * The same check as RatedAnswers, by hand: the nightly job runs it on every rating of the day, and
 * zod's parse (which also copies the object) was a measurable share of its CPU. Anything it does
 * not accept goes to zod for the error that names the field.
 */
function toRatedAnswers(item: Item): RatedAnswers {
  const { instrument, answers } = item;
  if (
    typeof instrument === 'string' &&
    typeof answers === 'object' &&
    answers !== null &&
    !Array.isArray(answers)
  ) {
    const values = Object.values(answers);
    if (values.every((value) => Number.isInteger(value))) {
      return { instrument, answers: answers as Record<string, number> };
    }
  }
  return parseInternal(RatedAnswers, item, 'a stored rating');
}
