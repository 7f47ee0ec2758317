import * as z from 'zod';
import { FIRST_YEAR, inServiceYears, LAST_YEAR, periodKind } from '../methodology/periods';
import { AlertThresholdsInput, CounterId, Lang, UnitId } from './core-schemas';

// The schemas on the citizen's core path are zod/mini (core-schemas.ts, for the rating function's
// cold start); they are part of the API all the same.
export {
  AlertThresholdsInput,
  AnswersInput,
  Comment,
  CounterId,
  Dossier,
  ImportedRating,
  Lang,
  Procedure,
  RatingSubmission,
  SubmissionId,
  UnitId,
  UnitOutput,
} from './core-schemas';

/**
 * The API's shapes, once: handlers validate with them and GET /v1/openapi.json is generated
 * from them. Objects are strict: a field the contract does not know is a 400, not silently ignored.
 */
export const Day = z.iso
  .date()
  .refine((value) => inServiceYears(value), `a day from ${FIRST_YEAR} to ${LAST_YEAR}`);
export const Period = z
  .string()
  .refine(
    (value) => inServiceYears(value),
    `a day YYYY-MM-DD, month YYYY-MM, quarter YYYY-Qn or year YYYY, from ${FIRST_YEAR} to ${LAST_YEAR}`,
  );
export const RatingCreated = z.object({ id: z.string(), duplicate: z.boolean() });

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
  parentId: z.optional(z.nullable(UnitId)),
  level: z.string().trim().min(1).max(40),
  instrument: z.string().min(1).max(40).optional(),
  alertThresholds: z
    .optional(z.nullable(AlertThresholdsInput))
    .describe(
      "overrides of the city's alert thresholds; null clears them, left out keeps them. An official may only set them as strict as the city's or stricter, on their own unit as strict as they are or stricter, and never below the minimum sample for the spike's baseline (403 otherwise)",
    ),
});
export type UnitInput = z.output<typeof UnitInput>;

/** POST /v1/units/{unitId}/merge: the unit whose results absorb this one's from now on */
export const MergeRequest = z.strictObject({ into: UnitId });

export const UnitsQuery = z.strictObject({ parent: z.optional(UnitId) });

/** GET …/posters takes no query: a key there (`counter`, say) is a mistake to name, not to ignore. */
export const PostersQuery = z.strictObject({});
export const QrQuery = z.strictObject({
  counter: z.optional(CounterId),
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
  alerts: z
    .object({
      raised: z.number(),
      recorded: z.number(),
      sent: z.number(),
      failed: z.number(),
      escalated: z.number(),
    })
    .optional()
    .describe('when the run evaluated alerts: raised, newly recorded, sent, failed to send, escalated'),
  ms: z
    .object({
      days: z.number().optional().describe('from the start until the days closed were stored'),
      results: z.number().describe('from the start until every result was stored'),
      alerts: z.number().optional().describe('how long the alerts took, after the results'),
      total: z.number().describe('from the start to the end'),
    })
    .describe('where the run’s time went, in milliseconds'),
});

export const IndexQuery = z.strictObject({ period: Period });
/** Without `parent`, the units that have none (the provinces of a national deployment) are ranked. */
export const RankingsQuery = z.strictObject({ period: Period, parent: z.optional(UnitId) });

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
  parent: z.string().nullable(),
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

export const MAX_FLAGGED_DAYS = 31;
export const FlaggedQuery = z
  .strictObject({ from: Day, to: Day })
  .refine((range) => range.from <= range.to, { path: ['to'], message: 'must not be before from' })
  .refine((range) => (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000 < MAX_FLAGGED_DAYS, {
    path: ['to'],
    message: `at most ${MAX_FLAGGED_DAYS} days at a time`,
  });

export const FlaggedRatings = z.object({
  unitId: z.string(),
  from: z.string(),
  to: z.string(),
  flagged: z.number().int(),
  days: z.array(
    z.object({
      day: z.string(),
      flagged: z.number().int(),
      ratings: z.array(
        z.object({ unitId: z.string(), id: z.string(), receivedAt: z.string(), reason: z.string() }),
      ),
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

// Officials' dashboard, monthly report, public results and exports (issue 6).
export const ViewQuery = z.object({ period: Period, lang: z.optional(Lang) });
export const ReportQuery = z.object({
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM'),
  lang: z.optional(Lang),
});
/** Pages people share as links keep their queries loose: a link with ?fbclid= must still open. */
export const PublicResultsQuery = z.object({ period: Period.optional(), lang: z.optional(Lang) });
export const PageQuery = z.object({ lang: z.optional(Lang) }).loose();

/** Ratings exports are bounded so one buffered Lambda response holds them (docs/dashboard.md, "Exports"). */
export const MAX_EXPORT_DAYS = 92;
export const RatingsExportQuery = z
  .strictObject({ from: Day, to: Day })
  .refine((range) => range.from <= range.to, { path: ['to'], message: 'must not be before from' })
  .refine((range) => (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000 < MAX_EXPORT_DAYS, {
    path: ['to'],
    message: `at most ${MAX_EXPORT_DAYS} days per export; export longer ranges in parts`,
  });
export const SnapshotsExportQuery = z
  .strictObject({
    kind: z.enum(['day', 'month', 'quarter', 'year']).default('month'),
    from: Period,
    to: Period,
  })
  .refine((q) => periodKind(q.from) === q.kind, {
    path: ['from'],
    message: 'must be a period of the chosen kind',
  })
  .refine((q) => periodKind(q.to) === q.kind, {
    path: ['to'],
    message: 'must be a period of the chosen kind',
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' });

const ServedFigures = {
  n: z.number(),
  index: z.number(),
  ci95: Interval,
  sufficient: z.boolean(),
};
const ServedRank = z
  .object({ position: z.number(), of: z.number(), change: z.number().nullable() })
  .nullable();
export const UnitSummaryOutput = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.string().optional(),
  parentId: z.string().nullable(),
  path: z.string(),
  level: z.string(),
  mergedInto: z
    .string()
    .optional()
    .describe('the unit this one was merged into, whose figures now hold its ratings'),
});
export const DashboardOutput = z.object({
  unit: UnitSummaryOutput,
  period: z.string(),
  kind: z.string(),
  minN: z.number(),
  snapshot: z
    .object({
      unitId: z.string(),
      period: z.string(),
      instrument: z.string(),
      ...ServedFigures,
      factors: z.array(FigureOutput),
      items: z.array(FigureOutput),
      rank: ServedRank,
      belowPeers: z.array(z.string()),
    })
    .nullable(),
  peers: z
    .object({
      count: z.number(),
      factors: z.record(z.string(), z.number()),
      items: z.record(z.string(), z.number()),
    })
    .nullable(),
  children: z.array(
    z.object({
      unitId: z.string(),
      name: z.string(),
      nameEn: z.string().optional(),
      level: z.string(),
      result: z.object({ ...ServedFigures, rank: ServedRank }).nullable(),
    }),
  ),
  trend: z.array(z.object({ period: z.string(), ...ServedFigures })),
});
export const ReportOutput = DashboardOutput.extend({
  comments: z.array(
    z.object({
      unitId: z.string(),
      receivedAt: z.string(),
      text: z.string(),
      flagged: z.string().optional(),
    }),
  ),
  commentsTotal: z.number(),
  flagged: z.number(),
  commentsCoverSubtree: z.boolean(),
});
export const TreeOutput = z.object({ scope: z.string(), units: z.array(UnitSummaryOutput) });

// Alerts and subscriptions (issue 5, docs/alerts.md).
export const SeverityName = z.enum(['info', 'warning', 'critical']);
const SQS_ARN = /^arn:aws[\w-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const E164 = /^\+[1-9]\d{6,14}$/;
export const SubscriptionInput = z
  .strictObject({
    protocol: z.enum(['email', 'sms', 'https', 'sqs']),
    endpoint: z.string().trim().min(1).max(500),
    unitId: UnitId,
    minSeverity: SeverityName.default('warning'),
  })
  .superRefine((input, ctx) => {
    const valid = {
      email: () => z.email().safeParse(input.endpoint).success,
      sms: () => E164.test(input.endpoint),
      https: () => z.url({ protocol: /^https$/ }).safeParse(input.endpoint).success,
      sqs: () => SQS_ARN.test(input.endpoint),
    }[input.protocol]();
    const expected = {
      email: 'an e-mail address',
      sms: 'a phone number in international form, e.g. +84912345678',
      https: 'an https:// URL',
      sqs: 'an SQS queue ARN',
    }[input.protocol];
    if (!valid)
      ctx.addIssue({
        code: 'custom',
        path: ['endpoint'],
        message: `must be ${expected} for ${input.protocol}`,
      });
  });
export type SubscriptionInput = z.output<typeof SubscriptionInput>;
export const SubscriptionOutput = z.object({
  id: z.string(),
  owner: z.string(),
  unitId: z.string(),
  unitPath: z.string(),
  protocol: z.string(),
  endpoint: z.string(),
  minSeverity: SeverityName,
  createdAt: z.string(),
});
/** In a list: the subscription as SNS has it now (`gone`: its endpoint left it; subscribe again). */
export const ListedSubscription = SubscriptionOutput.extend({
  status: z.enum(['confirmed', 'pending confirmation', 'gone', 'unknown']),
});
export const SubscriptionId = z.string().regex(/^[0-9A-Z]{26}$/, 'a subscription id');
export const AlertsQuery = z.strictObject({
  unit: z.optional(UnitId),
  from: Day.optional(),
  to: Day.optional(),
});
export const AlertId = z.string().regex(/^[a-z0-9-]{1,63}\.[a-z-]{1,40}\.[0-9Q-]{4,10}$/, 'an alert id');
export const AckInput = z.strictObject({ note: z.string().trim().min(1).max(1000) });
export const AlertOutput = z.object({
  id: z.string(),
  unitId: z.string(),
  unitPath: z.string(),
  unitName: z.string(),
  rule: z.string(),
  severity: SeverityName,
  severityLevel: z.number(),
  period: z.string(),
  figures: z.record(z.string(), z.union([z.number(), z.string()])),
  messages: z.object({ vi: z.string(), en: z.string() }),
  createdAt: z.string(),
  status: z.enum(['pending', 'sent']),
  sentAt: z.string().nullable(),
  ackedAt: z.string().nullable(),
  ackedBy: z.string().nullable(),
  ackNote: z.string().nullable(),
  escalatedAt: z.string().nullable(),
});
