import * as z from 'zod/mini';
import { parseInternal } from '../errors';
import { conditionally, type Db, putItem, scanPages } from './dynamo';
import { keys } from './keys';

const Stored = z.object({
  PK: z.string(),
  id: z.string(),
  submissionId: z.string(),
  unitId: z.string(),
});

/**
 * Ratings stored before a submission id was keyed with its unit sit at `RATING#S#<submissionId>`
 * (a rating without a dossier), as does the marker of a dossier rating. Today's code looks a
 * resend up at `RATING#S#<unitId>#<submissionId>` only, so without this a resend, or an import
 * file sent again, of a rating stored before the upgrade would be stored a second time. This
 * writes, for each such item, the marker a dossier rating leaves today (type `submission`, in no
 * index, so the night never counts it) at the new key, if nothing is there. Idempotent: run it
 * before the deploy and again after (docs/operations.md, "Upgrades"). One Scan of the table.
 */
export async function backfillSubmissionMarkers(db: Db): Promise<{ found: number; written: number }> {
  let found = 0;
  let written = 0;
  const pages = scanPages(db, {
    FilterExpression: 'begins_with(PK, :prefix) AND SK = :sk',
    ExpressionAttributeValues: { ':prefix': 'RATING#S#', ':sk': 'RATING' },
    ProjectionExpression: 'PK, id, submissionId, unitId',
  });
  for await (const page of pages) {
    for (const item of page) {
      const { PK, id, submissionId, unitId } = parseInternal(Stored, item, 'a stored rating or marker');
      if (PK !== `RATING#S#${submissionId}`) continue; // keyed today's way already
      found += 1;
      const marker = keys.ratingBySubmission(unitId, submissionId);
      const put = await conditionally(() =>
        putItem(db, {
          Item: { ...marker, type: 'submission', id, submissionId, unitId },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      if (put) written += 1;
    }
  }
  return { found, written };
}
