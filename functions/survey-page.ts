import { type CoreDeps, createCoreDeps } from '../shared/core-deps';
import { pathParam } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { html } from '../shared/http/responses';
import { openSurvey } from '../shared/use-cases/survey';
import { citizenErrorPage } from '../shared/web/error-pages';
import { newNonce, pageHeaders } from '../shared/web/html';
import { langOf } from '../shared/web/i18n';
import { renderThanksPage } from '../shared/web/pages';
import { renderSurveyPage } from '../shared/web/survey-page';

/** The citizen's core dependencies only (shared/core-deps.ts), like the rating function. */
export function makeHandler(deps: CoreDeps) {
  return httpHandler(
    async (event) => {
      const lang = langOf(event.queryStringParameters?.lang);
      const code = pathParam(event, 'code');
      const { unit, instrument } = await openSurvey(code, deps);
      const nonce = newNonce();
      const page = event.routeKey.endsWith('/thanks')
        ? renderThanksPage({
            lang,
            unitId: unit.id,
            unitName: lang === 'en' ? (unit.nameEn ?? unit.name) : unit.name,
            nonce,
          })
        : renderSurveyPage({ unit, instrument, code, lang, submissionId: deps.newId(), nonce });
      return html(200, page, pageHeaders(nonce));
    },
    { errorPage: citizenErrorPage },
  );
}

export const handler = makeHandler(createCoreDeps());
