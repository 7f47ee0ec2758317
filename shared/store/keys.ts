/**
 * Every key string of the table comes from here.
 *
 * Access patterns (add a row before adding a query):
 *
 * | # | pattern                                   | operation | key condition                                          |
 * |---|-------------------------------------------|-----------|--------------------------------------------------------|
 * | 1 | get a unit                                | GetItem   | PK=UNIT#<id>, SK=UNIT                                  |
 * | 2 | a unit's children                         | Query GSI2| GSI2PK=CHILDREN#<parentId or ROOT>                     |
 * | 3 | a whole tree or subtree, in path order    | Query GSI1| GSI1PK=TREE, GSI1SK begins_with <path>                  |
 * | 4 | store a rating once (submission/dossier)  | PutItem   | PK=RATING#S#<unitId>#<submissionId> or RATING#D#<dossier>, attribute_not_exists(PK) |
 * |   | (a dossier rating: its submission looked  | GetItem,  | PK=RATING#S#<unitId>#<submissionId> first; then a marker there |
 * |   | up first, and marked after)               | PutItem   | (type submission), attribute_not_exists(PK)             |
 * | 5 | one unit-day's ratings (nightly job)      | Query GSI1| GSI1PK=RATINGS#<unitId>#<day>, GSI1SK=<receivedAt>#<id> |
 * | 6 | every unit's own histogram of a period    | Query     | PK=HIST#<period>, SK=B#<bucket> (32 gzipped items per period, not per unit) |
 * | 7 | a unit's snapshot for a period            | GetItem   | PK=SNAP#<unitId>, SK=<kind>#<period>                    |
 * | 8 | a unit's snapshots of one kind (trend)    | Query     | PK=SNAP#<unitId>, SK begins_with <kind>#               |
 * | 9 | siblings' snapshots for a period (ranking)| Query GSI2| GSI2PK=SIBLINGS#<parentId>#<period>                    |
 * |10 | the aggregation lease (one run at a time) | PutItem   | PK=LEASE#<name>, SK=LEASE, if absent, expired or ours    |
 * |11 | count a client's submissions in a window, | UpdateItem| PK=RATE#C#<salted hash>#<window start>, SK=RATE,          |
 * |   | and its ratings of each unit (one request)|           | ADD hits, u:<unitId> if hits < limit                    |
 * |13 | a unit-day's ratings flagged for review   | Query GSI1| GSI1PK=RATINGS#<unitId>#<day>, filter attribute_exists(flagged) |
 * |20 | record an alert once (unit, rule, period) | PutItem   | PK=ALERT#<unitId>.<rule>.<period>, SK=ALERT, attribute_not_exists(PK) |
 * |21 | alerts awaiting publication (outbox)      | Query GSI1| GSI1PK=ALERTS#PENDING, GSI1SK=<createdAt>#<id> (sparse) |
 * |22 | sent alerts not yet acknowledged          | Query GSI1| GSI1PK=ALERTS#UNACKED, GSI1SK <= <sentAt cutoff> (sparse) |
 * |23 | a subtree's alerts raised in a month      | Query GSI2| GSI2PK=ALERTS#<yyyy-mm>, GSI2SK begins_with <path>      |
 * |24 | get / delete a subscription               | GetItem   | PK=SUB#<id>, SK=SUB                                     |
 * |25 | an official's own subscriptions           | Query GSI2| GSI2PK=SUBS#<subject>                                   |
 * |26 | every subscription, by unit path          | Query GSI1| GSI1PK=SUBS, GSI1SK=<unitPath><id>                      |
 * |27 | the records holding one SNS subscription  | UpdateItem| PK=SUBARN#<sha256 of the ARN>, SK=SUBARN, ADD/DELETE holders |
 * |   | (ADD only if not being removed or gone;    |           | SET closingUntil if no holders, then gone + expiresAt   |
 * |   | marked as such while SNS lets it go)       |           |                                                         |
 * |28 | one-off: ratings keyed by submission id   | Scan      | filter begins_with(PK, RATING#), SK=RATING (store/migrations.ts, an upgrade step, never a request) |
 * |   | without unit (backfillSubmissionMarkers)  |           |                                                         |
 *
 * A rating is keyed by what makes it unique (its dossier if it has one, else its submission id)
 * so that one conditional PutItem both stores it and refuses a repeat: no transaction, no second
 * item that a crash could leave half-written.
 */
import type { PeriodKind } from '../methodology/periods';

const KIND_PREFIX: Record<PeriodKind, string> = { day: 'D', month: 'M', quarter: 'Q', year: 'Y' };

export const ROOT_PARENT = 'ROOT';

export const keys = {
  unit: (unitId: string) => ({ PK: `UNIT#${unitId}`, SK: 'UNIT' }),
  unitTree: (path: string) => ({ GSI1PK: 'TREE', GSI1SK: path }),
  unitChildren: (parentId: string | null, unitId: string) => ({
    GSI2PK: `CHILDREN#${parentId ?? ROOT_PARENT}`,
    GSI2SK: unitId,
  }),
  childrenOf: (parentId: string | null) => `CHILDREN#${parentId ?? ROOT_PARENT}`,

  /**
   * A submission id is unique within its unit only (a paper form's serial number: every office
   * numbers its own from 0001), so the unit is part of the key. Unit ids hold no `#`.
   */
  ratingBySubmission: (unitId: string, submissionId: string) => ({
    PK: `RATING#S#${unitId}#${submissionId}`,
    SK: 'RATING',
  }),
  ratingByDossier: (dossier: string) => ({ PK: `RATING#D#${dossier}`, SK: 'RATING' }),
  ratingUnitDay: (unitId: string, day: string, receivedAt: string, ratingId: string) => ({
    GSI1PK: `RATINGS#${unitId}#${day}`,
    GSI1SK: `${receivedAt}#${ratingId}`,
  }),
  unitDayRatings: (unitId: string, day: string) => `RATINGS#${unitId}#${day}`,

  // Own histograms are grouped by period, not by unit: summing a month reads its days' partitions
  // (at most 31 Queries) whatever the number of units, instead of one Query per unit.
  histogramPartition: (period: string) => `HIST#${period}`,
  histogramBucket: (period: string, bucket: number) => ({
    PK: `HIST#${period}`,
    SK: `B#${String(bucket).padStart(2, '0')}`,
  }),

  snapshotPartition: (unitId: string) => `SNAP#${unitId}`,
  snapshot: (unitId: string, kind: PeriodKind, period: string) => ({
    PK: `SNAP#${unitId}`,
    SK: `${KIND_PREFIX[kind]}#${period}`,
  }),
  snapshotSortKey: (kind: PeriodKind, period: string) => `${KIND_PREFIX[kind]}#${period}`,
  snapshotSiblings: (parentId: string | null, period: string, unitId: string) => ({
    GSI2PK: `SIBLINGS#${parentId ?? ROOT_PARENT}#${period}`,
    GSI2SK: unitId,
  }),
  siblingsOf: (parentId: string | null, period: string) => `SIBLINGS#${parentId ?? ROOT_PARENT}#${period}`,

  lease: (name: string) => ({ PK: `LEASE#${name}`, SK: 'LEASE' }),

  /** The window's start is in the key, so a counter of a past window is never read again, deleted or not. */
  rateClient: (clientHash: string, windowStart: number) => ({
    PK: `RATE#C#${clientHash}#${windowStart}`,
    SK: 'RATE',
  }),

  /** An alert's id is its (unit, rule, period): the key itself makes a second write of it fail. */
  alertId: (unitId: string, rule: string, period: string) => `${unitId}.${rule}.${period}`,
  alert: (alertId: string) => ({ PK: `ALERT#${alertId}`, SK: 'ALERT' }),
  alertsPending: 'ALERTS#PENDING',
  alertsUnacked: 'ALERTS#UNACKED',
  alertsOfMonth: (month: string) => `ALERTS#${month}`,
  subscription: (id: string) => ({ PK: `SUB#${id}`, SK: 'SUB' }),
  /** who holds one SNS subscription; its ARN hashed, so the key stays short and opaque */
  snsSubscription: (arnHash: string) => ({ PK: `SUBARN#${arnHash}`, SK: 'SUBARN' }),
  subscriptionsOf: (subject: string) => `SUBS#${subject}`,
  allSubscriptions: 'SUBS',
} as const;
