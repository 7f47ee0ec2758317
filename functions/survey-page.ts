import { createDeps, type Deps } from '../shared/deps';
import { NotFoundError } from '../shared/errors';
import { pathParam } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { html } from '../shared/http/responses';
import { verifyCode } from '../shared/qr/codes';
import { citizenErrorPage } from '../shared/web/error-pages';
import { newNonce, pageHeaders } from '../shared/web/html';
import { langOf } from '../shared/web/i18n';
import { renderThanksPage } from '../shared/web/pages';
import { renderSurveyPage } from '../shared/web/survey-page';

export function makeHandler(deps: Deps) {
  return httpHandler(
    async (event) => {
      const lang = langOf(event.queryStringParameters?.lang);
      const code = pathParam(event, 'code');
      const target = verifyCode(await deps.qrKeys(), code);
      const unit = await deps.units.get(target.unitId);
      const instrument = unit && deps.registry.get(unit.instrument);
      if (!unit || !instrument) throw new NotFoundError('this QR code points to a unit that does not exist');
      const nonce = newNonce();
      const page = event.routeKey.endsWith('/thanks')
        ? renderThanksPage({ lang, unitId: unit.id, unitName: lang === 'en' ? (unit.nameEn ?? unit.name) : unit.name, nonce })
        : renderSurveyPage({ unit, instrument, code, lang, submissionId: deps.newId(), nonce });
      return html(200, page, pageHeaders(nonce));
    },
    { errorPage: citizenErrorPage },
  );
}

export const handler = makeHandler(createDeps());
