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
 * | 4 | store a rating once (submission/dossier)  | PutItem   | PK=RATING#S#<submissionId> or RATING#D#<dossier>, attribute_not_exists(PK) |
 * | 5 | one unit-day's ratings (nightly job)      | Query GSI1| GSI1PK=RATINGS#<unitId>#<day>, GSI1SK=<receivedAt>#<id> |
 * | 6 | a unit's own histograms for a range       | Query     | PK=HIST#<unitId>, SK between <kind>#<first> and <kind>#<last> |
 * | 7 | a unit's snapshot for a period            | GetItem   | PK=SNAP#<unitId>, SK=<kind>#<period>                    |
 * | 8 | a unit's snapshots of one kind (trend)    | Query     | PK=SNAP#<unitId>, SK begins_with <kind>#               |
 * | 9 | siblings' snapshots for a period (ranking)| Query GSI2| GSI2PK=SIBLINGS#<parentId>#<period>                    |
 * |10 | a nightly run's record                    | GetItem   | PK=RUN#<day>, SK=RUN                                    |
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

  ratingBySubmission: (submissionId: string) => ({ PK: `RATING#S#${submissionId}`, SK: 'RATING' }),
  ratingByDossier: (dossier: string) => ({ PK: `RATING#D#${dossier}`, SK: 'RATING' }),
  ratingUnitDay: (unitId: string, day: string, receivedAt: string, ratingId: string) => ({
    GSI1PK: `RATINGS#${unitId}#${day}`,
    GSI1SK: `${receivedAt}#${ratingId}`,
  }),
  unitDayRatings: (unitId: string, day: string) => `RATINGS#${unitId}#${day}`,

  histogramPartition: (unitId: string) => `HIST#${unitId}`,
  histogram: (unitId: string, kind: PeriodKind, period: string) => ({
    PK: `HIST#${unitId}`,
    SK: `${KIND_PREFIX[kind]}#${period}`,
  }),
  histogramSortKey: (kind: PeriodKind, period: string) => `${KIND_PREFIX[kind]}#${period}`,

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

  run: (day: string) => ({ PK: `RUN#${day}`, SK: 'RUN' }),
} as const;
