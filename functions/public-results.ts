import { PageQuery, PublicResultsQuery, UnitId } from '../shared/api/schemas';
import { createDeps, type Deps } from '../shared/deps';
import { pathParam, queryParams } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { html } from '../shared/http/responses';
import { monthOf, vietnamDay } from '../shared/methodology/periods';
import { readPublicResults } from '../shared/use-cases/dashboard';
import { labelsOf } from '../shared/web/dashboard-render';
import { newNonce, pageHeaders } from '../shared/web/html';
import { langOf } from '../shared/web/i18n';
import {
  publicErrorPage,
  renderMethodPage,
  renderPublicResultsPage,
} from '../shared/web/public-results-page';

/** Snapshots change once a night: the public pages may be cached for a few minutes. */
const CACHE = { 'cache-control': 'public, max-age=300' };

export function makeHandler(deps: Deps) {
  const labels = labelsOf(deps.registry);
  return httpHandler(
    async (event) => {
      const nonce = newNonce();
      if (event.routeKey === 'GET /method') {
        const lang = langOf(queryParams(event, PageQuery).lang);
        return html(200, renderMethodPage({ lang, nonce }), { ...pageHeaders(nonce), ...CACHE });
      }
      const unitId = pathParam(event, 'unitId', UnitId);
      const { period, lang } = queryParams(event, PublicResultsQuery);
      const view = await readPublicResults(unitId, period, monthOf(vietnamDay(deps.clock())), deps);
      return html(200, renderPublicResultsPage({ view, labels, lang: langOf(lang), nonce }), {
        ...pageHeaders(nonce),
        ...CACHE,
      });
    },
    { errorPage: publicErrorPage },
  );
}

export const handler = makeHandler(createDeps());
