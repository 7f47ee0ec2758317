import { loadConfig } from '../shared/config';
import { createDb } from '../shared/store/dynamo';
import { backfillSubmissionMarkers } from '../shared/store/migrations';

/**
 * `TABLE_NAME=<table> npx tsx scripts/backfill-submission-markers.ts`, with AWS credentials for the
 * stage (or AWS_ENDPOINT_URL_DYNAMODB for a local table): docs/operations.md, "Upgrades".
 */
const { TABLE_NAME } = loadConfig();
const result = await backfillSubmissionMarkers(createDb(TABLE_NAME));
console.log(
  `${result.legacy} items under a submission id without its unit, ${result.dossiers} ratings under a dossier code: ` +
    `${result.written} markers written, ${result.conflicts} submissions stored twice (logged above with both rating ids)`,
);
