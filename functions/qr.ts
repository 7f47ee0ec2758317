import { PostersQuery, QrQuery, UnitId } from '../shared/api/schemas';
import { principalFrom, unitInScope } from '../shared/auth/principal';
import { mapConcurrent } from '../shared/concurrency';
import { createDeps, type Deps } from '../shared/deps';
import { pathParam, queryParams } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { binary, html, text } from '../shared/http/responses';
import type { HttpEvent } from '../shared/http/types';
import { signCode } from '../shared/qr/codes';
import { qrPng, qrSvg, surveyUrl } from '../shared/qr/render';
import { newNonce, pageHeaders } from '../shared/web/html';
import { renderPoster, renderPosters } from '../shared/web/poster';

function baseUrl(deps: Deps, event: HttpEvent): string {
  return deps.config.PUBLIC_BASE_URL ?? `https://${event.requestContext.domainName}`;
}

export function makeHandler(deps: Deps) {
  return httpHandler(async (event) => {
    const principal = principalFrom(event);
    const unit = await unitInScope(pathParam(event, 'unitId', UnitId), principal, deps.units);
    const keys = await deps.qrKeys();
    const nonce = newNonce();
    if (event.routeKey.endsWith('/posters')) {
      queryParams(event, PostersQuery);
      const posters = await mapConcurrent(await deps.units.subtree(unit.path), 8, async (each) => {
        const url = surveyUrl(baseUrl(deps, event), signCode(keys, { unitId: each.id }));
        return { unit: each, url, svg: await qrSvg(url) };
      });
      return html(200, renderPosters({ root: unit, posters, nonce }), pageHeaders(nonce));
    }
    const { counter, size } = queryParams(event, QrQuery);
    const url = surveyUrl(
      baseUrl(deps, event),
      signCode(keys, counter ? { unitId: unit.id, counter } : { unitId: unit.id }),
    );
    if (event.routeKey.endsWith('/qr.png')) return binary('image/png', await qrPng(url, size));
    if (event.routeKey.endsWith('/qr.svg'))
      return text(200, 'image/svg+xml', await qrSvg(url), { 'cache-control': 'private, max-age=3600' });
    return html(200, renderPoster({ unit, url, svg: await qrSvg(url), nonce }), pageHeaders(nonce));
  });
}

export const handler = makeHandler(createDeps());
