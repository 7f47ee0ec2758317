import * as z from 'zod/mini';
import '../zod-locale';
import { COUNTER_ID, UNIT_ID } from '../qr/codes';

/**
 * The API shapes on the citizen's core path (the rating function and the repositories it uses), in
 * zod/mini: classic zod is ≈ 90 KB of a bundle and a sizeable part of a cold start, and the rating
 * function is the one whose cold start citizens wait for (bench/README.md, "Cold start").
 * shared/api/schemas.ts re-exports them, so the other functions and the OpenAPI document use them
 * unchanged; a classic object may hold a mini field (same issue paths, same JSON Schema). The
 * messages and issue paths are those the classic versions gave.
 */
export const UnitId = z.string().check(z.regex(UNIT_ID, 'lowercase letters, digits and dashes, at most 63'));
export const CounterId = z
  .string()
  .check(z.regex(COUNTER_ID, 'lowercase letters, digits and dashes, at most 16'));
export const Lang = z.enum(['vi', 'en']);
/** level per item id; 0 means "không áp dụng / not applicable" */
export const AnswersInput = z.record(
  z.string().check(z.maxLength(64)),
  z.number().check(z.int(), z.minimum(0), z.maximum(10)),
);
export const SubmissionId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, _ or -'));
export const Dossier = z.pipe(
  z
    .string()
    .check(z.trim(), z.regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$/, '3 to 64 letters, digits, and . _ / -')),
  z.transform((value: string) => value.toUpperCase()),
);
export const Comment = z.string().check(z.maxLength(1000, 'at most 1,000 characters'));
export const Procedure = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));

export const RatingSubmission = z.strictObject({
  code: z.string().check(z.minLength(1), z.maxLength(200)),
  answers: AnswersInput,
  submissionId: z.optional(SubmissionId),
  dossier: z.optional(Dossier),
  counter: z.optional(CounterId),
  procedure: z.optional(Procedure),
  comment: z.optional(Comment),
  lang: z.optional(Lang),
});
export type RatingSubmission = z.output<typeof RatingSubmission>;

export const ImportedRating = z.strictObject({
  unitId: UnitId,
  receivedAt: z.iso.datetime({ offset: true }),
  answers: AnswersInput,
  submissionId: z.optional(SubmissionId),
  counter: z.optional(CounterId),
  dossier: z.optional(Dossier),
  procedure: z.optional(Procedure),
  comment: z.optional(Comment),
  lang: z.optional(Lang),
});
export type ImportedRating = z.output<typeof ImportedRating>;

/** Overrides of the city's alert thresholds for one unit; any subset (docs/alerts.md). */
export const AlertThresholdsInput = z.partial(
  z.strictObject({
    target: z.number().check(z.minimum(0), z.maximum(100)),
    dropPoints: z.number().check(z.positive(), z.maximum(100)),
    rankPlaces: z.number().check(z.int(), z.positive()),
    peerPoints: z.number().check(z.positive(), z.maximum(100)),
    spikeRatio: z.number().check(z.gt(1)),
    spikeMinRatings: z.number().check(z.int(), z.positive()),
    spikeMinTrailingRatings: z.number().check(z.int(), z.positive()),
  }),
);

export const UnitOutput = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.optional(z.string()),
  parentId: z.nullable(z.string()),
  path: z.string(),
  level: z.string(),
  instrument: z.string(),
  mergedInto: z.optional(z.string()),
  mergedAt: z.optional(z.string()),
  alertThresholds: z.optional(AlertThresholdsInput),
  createdAt: z.string(),
  updatedAt: z.string(),
});
