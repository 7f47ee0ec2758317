import { RatingsExportQuery, SnapshotsExportQuery, UnitId } from '../shared/api/schemas';
import { principalFrom, unitInScope } from '../shared/auth/principal';
import { createDeps, type Deps } from '../shared/deps';
import { pathParam, queryParams } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { text } from '../shared/http/responses';
import { exportRatingsCsv, exportSnapshotsCsv, exportSnapshotsJson } from '../shared/use-cases/exports';

const PRIVATE = { 'cache-control': 'no-store' };

export function makeHandler(deps: Deps) {
  return httpHandler(async (event) => {
    const unit = await unitInScope(pathParam(event, 'unitId', UnitId), principalFrom(event), deps.units);
    const attachment = (ext: string, suffix: string) => ({
      ...PRIVATE,
      'content-disposition': `attachment; filename="${unit.id}-${suffix}.${ext}"`,
    });
    if (event.routeKey.endsWith('/ratings.csv')) {
      const { from, to } = queryParams(event, RatingsExportQuery);
      const csv = await exportRatingsCsv(unit, from, to, deps);
      return text(200, 'text/csv; charset=utf-8', csv, attachment('csv', `ratings-${from}-${to}`));
    }
    const range = queryParams(event, SnapshotsExportQuery);
    const suffix = `snapshots-${range.from}-${range.to}`;
    if (event.routeKey.endsWith('/snapshots.csv')) {
      return text(
        200,
        'text/csv; charset=utf-8',
        await exportSnapshotsCsv(unit, range, deps),
        attachment('csv', suffix),
      );
    }
    return text(
      200,
      'application/json; charset=utf-8',
      await exportSnapshotsJson(unit, range, deps),
      attachment('json', suffix),
    );
  });
}

export const handler = makeHandler(createDeps());
