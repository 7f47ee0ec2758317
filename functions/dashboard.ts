import { PageQuery, ReportQuery, UnitId, ViewQuery } from '../shared/api/schemas';
import { principalFrom } from '../shared/auth/principal';
import { createDeps, type Deps } from '../shared/deps';
import { pathParam, queryParams } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { html, json } from '../shared/http/responses';
import type { HttpEvent } from '../shared/http/types';
import { vietnamDay } from '../shared/methodology/periods';
import { readDashboard, readReport, readTree } from '../shared/use-cases/dashboard';
import { dashboardHeaders, renderDashboardPage } from '../shared/web/dashboard-page';
import { labelsOf, renderDashboardView, renderReportView } from '../shared/web/dashboard-render';
import { newNonce } from '../shared/web/html';
import { langOf } from '../shared/web/i18n';

/** The views are HTML fragments for the page (Accept: text/html) or JSON for everyone else. */
const wantsHtml = (event: HttpEvent) =>
  (event.headers.accept ?? '').split(',')[0]?.trim().startsWith('text/html') ?? false;

export function makeHandler(deps: Deps) {
  const labels = labelsOf(deps.registry);
  const signIn = {
    ...(deps.config.COGNITO_DOMAIN ? { cognitoDomain: deps.config.COGNITO_DOMAIN } : {}),
    ...(deps.config.COGNITO_CLIENT_ID ? { cognitoClientId: deps.config.COGNITO_CLIENT_ID } : {}),
    devSignIn: deps.config.LOCAL_RUNTIME === 'true',
  };
  return httpHandler(async (event) => {
    if (event.routeKey === 'GET /dashboard' || event.routeKey === 'GET /dashboard/report') {
      const lang = langOf(queryParams(event, PageQuery).lang);
      const nonce = newNonce();
      const mode = event.routeKey === 'GET /dashboard' ? 'dashboard' : 'report';
      const page = renderDashboardPage({ mode, lang, today: vietnamDay(deps.clock()), signIn, nonce });
      return html(200, page, dashboardHeaders(nonce, signIn));
    }
    const principal = principalFrom(event);
    if (event.routeKey === 'GET /v1/tree') return json(200, await readTree(principal, deps.units));
    const unitId = pathParam(event, 'unitId', UnitId);
    if (event.routeKey === 'GET /v1/units/{unitId}/report') {
      const { period, lang } = queryParams(event, ReportQuery);
      const view = await readReport(unitId, period, principal, deps);
      return wantsHtml(event) ? html(200, renderReportView(view, labels, langOf(lang))) : json(200, view);
    }
    const { period, lang } = queryParams(event, ViewQuery);
    const view = await readDashboard(unitId, period, principal, deps);
    return wantsHtml(event) ? html(200, renderDashboardView(view, labels, langOf(lang))) : json(200, view);
  });
}

export const handler = makeHandler(createDeps());
