import { esc, page } from './html';
import { type Lang, TEXT } from './i18n';

export function renderThanksPage(input: {
  lang: Lang;
  unitId: string;
  unitName: string;
  nonce: string;
}): string {
  const t = TEXT[input.lang];
  return page({
    lang: input.lang,
    title: t.thanksTitle,
    nonce: input.nonce,
    body: `<main><h1>${esc(t.thanksTitle)}</h1><p class="unit">${esc(input.unitName)}</p><p>${esc(t.thanksBody)}</p><p>${esc(t.nextSteps)}</p><p><a href="/r/${esc(input.unitId)}?lang=${input.lang}">${esc(t.seeResults)}</a></p></main>`,
  });
}

/** A friendly error page in both languages: never a stack trace, never internals. */
export function renderErrorPage(input: {
  lang: Lang;
  /** the page's heading: which page could not be shown, or what did not happen */
  title: 'errorTitle' | 'notSentTitle' | 'resultsErrorTitle';
  status: number;
  message: { vi: string; en: string };
  details?: string[];
  nonce: string;
}): string {
  const t = TEXT[input.lang];
  const other: Lang = input.lang === 'vi' ? 'en' : 'vi';
  const details = input.details?.length
    ? `<ul class="error">${input.details.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`
    : '';
  return page({
    lang: input.lang,
    title: t[input.title],
    nonce: input.nonce,
    body: `<main><h1>${esc(t[input.title])}</h1><p>${esc(input.message[input.lang])}</p>${details}<p lang="${other}" class="muted">${esc(input.message[other])}</p><p class="muted">${input.status}</p></main>`,
  });
}
