import * as z from 'zod';
import { periodKind } from '../methodology/periods';
import { COUNTER_ID, UNIT_ID } from '../qr/codes';

/**
 * The API's shapes, once: handlers validate with them and GET /v1/openapi.json is generated
 * from them. Objects are strict: a field the contract does not know is a 400, not silently ignored.
 */
export const UnitId = z.string().regex(UNIT_ID, 'lowercase letters, digits and dashes, at most 63');
export const CounterId = z.string().regex(COUNTER_ID, 'lowercase letters, digits and dashes, at most 16');
export const Day = z.iso.date();
export const Period = z
  .string()
  .refine((value) => periodKind(value) !== undefined, 'a day YYYY-MM-DD, month YYYY-MM, quarter YYYY-Qn or year YYYY');
export const Lang = z.enum(['vi', 'en']);
/** level per item id; 0 means "không áp dụng / not applicable" */
export const AnswersInput = z.record(z.string().max(64), z.number().int().min(0).max(10));
export const SubmissionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, _ or -');
export const Dossier = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$/, '3 to 64 letters, digits, and . _ / -')
  .transform((value) => value.toUpperCase());
export const Comment = z.string().max(1000, 'at most 1,000 characters');
export const Procedure = z.string().trim().min(1).max(200);

export const RatingSubmission = z.strictObject({
  code: z.string().min(1).max(200),
  answers: AnswersInput,
  submissionId: SubmissionId.optional(),
  dossier: Dossier.optional(),
  counter: CounterId.optional(),
  procedure: Procedure.optional(),
  comment: Comment.optional(),
  lang: Lang.optional(),
});
export type RatingSubmission = z.output<typeof RatingSubmission>;

export const RatingCreated = z.object({ id: z.string(), duplicate: z.boolean() });

export const ImportedRating = z.strictObject({
  unitId: UnitId,
  receivedAt: z.iso.datetime({ offset: true }),
  answers: AnswersInput,
  submissionId: SubmissionId.optional(),
  counter: CounterId.optional(),
  dossier: Dossier.optional(),
  procedure: Procedure.optional(),
  comment: Comment.optional(),
  lang: Lang.optional(),
});
export type ImportedRating = z.output<typeof ImportedRating>;

export const MAX_IMPORT = 1000;
export const ImportRequest = z.strictObject({ ratings: z.array(z.unknown()).min(1).max(MAX_IMPORT) });
export const ImportResult = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), error: z.string() })),
});

export const UnitInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().min(1).max(200).optional(),
  parentId: UnitId.nullable().optional(),
  level: z.string().trim().min(1).max(40),
  instrument: z.string().min(1).max(40).optional(),
});
export type UnitInput = z.output<typeof UnitInput>;

export const UnitOutput = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.string().optional(),
  parentId: z.string().nullable(),
  path: z.string(),
  level: z.string(),
  instrument: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const UnitsQuery = z.object({ parent: UnitId.optional() });

export const QrQuery = z.object({
  counter: CounterId.optional(),
  size: z.coerce.number().int().min(64).max(2048).optional(),
});

export const MAX_AGGREGATION_DAYS = 366;
export const AggregationRequest = z
  .strictObject({ from: Day, to: Day })
  .refine((range) => range.from <= range.to, { path: ['to'], message: 'must not be before from' })
  .refine((range) => (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000 < MAX_AGGREGATION_DAYS, {
    path: ['to'],
    message: `at most ${MAX_AGGREGATION_DAYS} days at a time`,
  });

export const AggregationSummary = z.object({
  days: z.array(z.string()),
  units: z.number(),
  ratings: z.number(),
  periods: z.array(z.string()),
  snapshots: z.number(),
});

export const IndexQuery = z.object({ period: Period });
export const RankingsQuery = z.object({ period: Period, parent: UnitId });

const Interval = z.tuple([z.number(), z.number()]);
const FigureOutput = z.object({ id: z.string(), index: z.number(), n: z.number(), ci95: Interval });

export const IndexSnapshot = z.object({
  unitId: z.string(),
  period: z.string(),
  instrument: z.string(),
  n: z.number(),
  index: z.number(),
  ci95: Interval,
  sufficient: z.boolean(),
  factors: z.array(FigureOutput),
  items: z.array(FigureOutput),
  rank: z.object({ position: z.number(), of: z.number(), change: z.number().nullable() }).nullable(),
  belowPeers: z.array(z.string()),
});

export const Rankings = z.object({
  period: z.string(),
  parent: z.string(),
  units: z.array(
    z.object({
      unitId: z.string(),
      name: z.string(),
      index: z.number(),
      n: z.number(),
      position: z.number(),
      change: z.number().nullable(),
    }),
  ),
});

export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});
