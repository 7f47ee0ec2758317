import type { HttpError } from '../http/errors-to-http';
import type { HttpEvent } from '../http/types';
import { newNonce } from './html';
import { langOf, TEXT } from './i18n';
import { renderErrorPage } from './pages';

function messageFor(error: HttpError): { vi: string; en: string } {
  const pick = (key: keyof (typeof TEXT)['vi']) => ({ vi: TEXT.vi[key], en: TEXT.en[key] });
  switch (error.code) {
    case 'gone':
      return pick('retiredCode');
    case 'not_found':
      return pick('unknownCode');
    case 'rate_limited':
      return pick('rateLimited');
    case 'conflict':
      return pick('alreadyRated');
    case 'invalid_input':
      return error.details?.some((d) => d.field === 'code') ? pick('invalidCode') : pick('fixAnswers');
    default:
      return pick('genericError');
  }
}

/**
 * The citizens' error page for the survey routes and the no-JavaScript form. The CSP header is
 * not needed for a page without script, so the nonce is only there to satisfy the shell.
 */
export function citizenErrorPage(event: HttpEvent, error: HttpError): string {
  const body =
    event.body && (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
  const formLang = body ? (new URLSearchParams(body).get('lang') ?? undefined) : undefined;
  const lang = langOf(event.queryStringParameters?.lang ?? formLang);
  const retry = error.headers['retry-after'];
  const details =
    error.code === 'invalid_input'
      ? error.details?.filter((d) => d.field !== 'code').map((d) => `${d.field}: ${d.message}`)
      : error.code === 'rate_limited' && retry
        ? [TEXT[lang].retryAfter.replace('{s}', retry)]
        : undefined;
  return renderErrorPage({
    lang,
    // a form sent without JavaScript: the page opened, the rating did not go
    title: event.requestContext.http.method === 'POST' ? 'notSentTitle' : 'errorTitle',
    status: error.status,
    message: messageFor(error),
    ...(details ? { details } : {}),
    nonce: newNonce(),
  });
}
