import * as z from 'zod/mini';
import { parseInternal } from '../errors';
import { logger } from '../logger';
import { conditionally, type Db, getItem, putItem, scanPages } from './dynamo';
import { keys } from './keys';

const Stored = z.object({
  PK: z.string(),
  id: z.string(),
  submissionId: z.string(),
  unitId: z.string(),
});

export interface BackfillResult {
  /** items under a submission id without its unit (ratings without a dossier, and markers) */
  legacy: number;
  /** ratings under a dossier code, each needing a marker at its unit's submission id */
  dossiers: number;
  /** markers written */
  written: number;
  /**
   * Submissions stored twice: another rating already holds the marker's key (a resend that came
   * between the first run and the deploy). Logged with both ids, for an operator to delete one.
   */
  conflicts: number;
}

/**
 * Ratings stored before a submission id was keyed with its unit sit at `RATING#S#<submissionId>`
 * (a rating without a dossier), as does the marker of a dossier rating, if it has one. Today's
 * code looks a resend up at `RATING#S#<unitId>#<submissionId>` only, so without this a resend, or
 * an import file sent again, of a rating stored before the upgrade would be stored a second time.
 * This writes, for every such item and every rating under a dossier code, the marker a dossier
 * rating leaves today (type `submission`, in no index, so the night never counts it) at the new
 * key, if nothing is there. Idempotent: run it before the deploy and again after
 * (docs/operations.md, "Upgrades"). One Scan of the table.
 */
export async function backfillSubmissionMarkers(db: Db): Promise<BackfillResult> {
  const result: BackfillResult = { legacy: 0, dossiers: 0, written: 0, conflicts: 0 };
  // an old marker and its dossier rating lead to the same new key: each key is settled once a run
  const settled = new Set<string>();
  const pages = scanPages(db, {
    FilterExpression: 'begins_with(PK, :prefix) AND SK = :sk',
    ExpressionAttributeValues: { ':prefix': 'RATING#', ':sk': 'RATING' },
    ProjectionExpression: 'PK, id, submissionId, unitId',
  });
  for await (const page of pages) {
    for (const item of page) {
      const { PK, id, submissionId, unitId } = parseInternal(Stored, item, 'a stored rating or marker');
      if (PK === `RATING#S#${submissionId}`) result.legacy += 1;
      else if (PK.startsWith('RATING#D#')) result.dossiers += 1;
      else continue; // keyed today's way already
      const marker = keys.ratingBySubmission(unitId, submissionId);
      if (settled.has(marker.PK)) continue;
      settled.add(marker.PK);
      // Read first: on a re-run, and for today's dossier ratings, the key is mostly taken already.
      let there = await getItem(db, { Key: marker, ConsistentRead: true });
      if (!there) {
        const put = await conditionally(() =>
          putItem(db, {
            Item: { ...marker, type: 'submission', id, submissionId, unitId },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
        if (put) {
          result.written += 1;
          continue;
        }
        there = await getItem(db, { Key: marker, ConsistentRead: true });
      }
      if (there && there.id !== id) {
        result.conflicts += 1;
        logger.warn('a submission stored twice across the upgrade', {
          unitId,
          submissionId,
          ratingIds: [id, there.id],
        });
      }
    }
  }
  return result;
}
