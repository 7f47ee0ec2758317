import type { HttpError } from '../http/errors-to-http';
import type { HttpEvent } from '../http/types';
import type { PublicView } from '../use-cases/dashboard';
import {
  type Labels,
  RESULTS_CSS,
  renderFactors,
  renderOverall,
  renderRank,
  renderTrend,
} from './dashboard-render';
import { DASHBOARD_TEXT } from './dashboard-text';
import { esc, newNonce, page } from './html';
import { type Lang, langOf } from './i18n';
import { renderErrorPage } from './pages';

const PUBLIC_CSS =
  'main{max-width:52rem}.method{border-top:1px solid var(--line);margin-top:2rem}form.period{display:flex;gap:.5rem;align-items:end}form.period select{font:inherit;padding:.3rem}form.period button{min-height:40px;padding:.3rem .9rem}';

/**
 * A unit's public results: what GET /v1/units/{unitId}/index already publishes (index, interval,
 * n, rank, factors and items beside the siblings' average, the monthly trend), with the method
 * in short and a link to it. Never comments, never raw ratings. Works without JavaScript.
 */
export function renderPublicResultsPage(input: {
  view: PublicView;
  labels: Labels;
  lang: Lang;
  nonce: string;
}): string {
  const { view, labels, lang } = input;
  const t = DASHBOARD_TEXT[lang];
  const other: Lang = lang === 'vi' ? 'en' : 'vi';
  const name = lang === 'en' ? (view.unit.nameEn ?? view.unit.name) : view.unit.name;
  const periodQuery = view.period ? `period=${encodeURIComponent(view.period)}&amp;` : '';
  const choices = [
    ...new Set([...(view.period ? [view.period] : []), ...[...view.trend].reverse().map((p) => p.period)]),
  ];
  const picker = choices.length
    ? `<form class="period" method="get"><div><label for="period">${esc(t.period)}</label><select id="period" name="period">${choices.map((p) => `<option value="${esc(p)}"${p === view.period ? ' selected' : ''}>${esc(p)}</option>`).join('')}</select></div><input type="hidden" name="lang" value="${lang}"><button type="submit">OK</button></form>`
    : '';
  const body =
    `<main><p><a href="?${periodQuery}lang=${other}" lang="${other}">${esc(t.switchLang)}</a></p>` +
    `<h1>${esc(t.publicTitle)}</h1><h2 class="unit-name" data-testid="unit-name">${esc(name)}${view.period ? ` <span class="muted">· ${esc(view.period)}</span>` : ''}</h2>${picker}` +
    `<div class="cards">${renderOverall(view.snapshot, view.minN, lang)}${renderRank(view.snapshot, lang)}</div>` +
    `${renderTrend(view.trend, lang)}${renderFactors(view.snapshot, view.peers, labels, lang)}` +
    `<section class="method" aria-labelledby="method-h"><h2 id="method-h">${esc(t.methodTitle)}</h2><p>${esc(t.methodShort)}</p><p><a href="/method?lang=${lang}">${esc(t.methodLink)}</a></p><p class="muted">${esc(t.generated)}</p></section></main>`;
  return page({
    lang,
    title: `${name} · ${t.publicTitle}`,
    nonce: input.nonce,
    style: RESULTS_CSS + PUBLIC_CSS,
    body,
  });
}

const METHOD = {
  vi: [
    [
      'Thang đo',
      'Người dân đánh giá từng tiêu chí theo 5 mức: 1 Rất không hài lòng, 2 Không hài lòng, 3 Bình thường, 4 Hài lòng, 5 Rất hài lòng (mẫu nhanh tại quầy: 3 mức). Có thể chọn "không áp dụng".',
    ],
    [
      'Chỉ số tiêu chí',
      '= 100 × số câu trả lời ở mức hài lòng (4 hoặc 5; mẫu 3 mức: 2 hoặc 3) ÷ số câu trả lời trên thang đo, không tính "không áp dụng".',
    ],
    [
      'Chỉ số yếu tố và chỉ số chung',
      'Chỉ số yếu tố là trung bình cộng các chỉ số tiêu chí có câu trả lời của yếu tố đó; chỉ số chung là trung bình cộng các chỉ số yếu tố. Kết quả làm tròn 2 chữ số thập phân.',
    ],
    [
      'Cộng dồn',
      'Chỉ số của một đơn vị gộp mọi phiếu của đơn vị và các đơn vị trực thuộc trong kỳ (ngày, tháng, quý, năm theo giờ Việt Nam).',
    ],
    [
      'Độ tin cậy',
      'Mỗi chỉ số có khoảng tin cậy 95 % (Wilson cho tiêu chí). Đơn vị có dưới 30 phiếu trong kỳ được ghi "chưa đủ dữ liệu", không xếp hạng.',
    ],
    [
      'Xếp hạng',
      'Các đơn vị cùng cấp đủ dữ liệu được xếp theo chỉ số chung, cao trước; bằng điểm thì cùng hạng. Mức thay đổi so với kỳ trước cùng loại.',
    ],
    [
      'Lưu ý',
      'Đây là cách tính theo kiểu SIPAS; Bộ Nội vụ không công bố công thức chính thức, nên đây không phải số liệu chính thức của Bộ.',
    ],
  ],
  en: [
    [
      'Scale',
      'Citizens rate each item on 5 levels: 1 Very dissatisfied, 2 Dissatisfied, 3 Neutral, 4 Satisfied, 5 Very satisfied (the quick counter form has 3 levels). "Not applicable" is allowed.',
    ],
    [
      'Item index',
      '= 100 × answers at a satisfied level (4 or 5; 2 or 3 on the 3-level form) ÷ answers on the scale, "not applicable" left out.',
    ],
    [
      'Factor and overall index',
      'A factor’s index is the mean of its answered items’ indices; the overall index is the mean of the factor indices. Results are rounded to 2 decimals.',
    ],
    [
      'Roll-up',
      'A unit’s index pools every rating of the unit and all units below it in the period (day, month, quarter, year in Vietnam time).',
    ],
    [
      'Uncertainty',
      'Every index carries a 95 % interval (Wilson for items). A unit with fewer than 30 ratings in a period is shown as "insufficient data" and not ranked.',
    ],
    [
      'Ranking',
      'Sibling units with enough data are ranked by overall index, highest first; equal indices share a rank. The change is against the previous period of the same kind.',
    ],
    [
      'Note',
      'This is a SIPAS-style computation: the Ministry of Home Affairs does not publish its exact formula, so these are not the Ministry’s official figures.',
    ],
  ],
} as const;

export function renderMethodPage(input: { lang: Lang; nonce: string }): string {
  const { lang } = input;
  const t = DASHBOARD_TEXT[lang];
  const other: Lang = lang === 'vi' ? 'en' : 'vi';
  const items = METHOD[lang].map(([term, text]) => `<dt>${esc(term)}</dt><dd>${esc(text)}</dd>`).join('');
  return page({
    lang,
    title: t.methodTitle,
    nonce: input.nonce,
    style: 'dt{font-weight:700;margin-top:1rem}dd{margin:.25rem 0 0}',
    body: `<main><p><a href="?lang=${other}" lang="${other}">${esc(t.switchLang)}</a></p><h1>${esc(t.methodTitle)}</h1><dl>${items}</dl></main>`,
  });
}

/** Public pages answer errors with a page too, in the visitor's language. */
export function publicErrorPage(event: HttpEvent, error: HttpError): string {
  const lang = langOf(event.queryStringParameters?.lang);
  const message =
    error.code === 'not_found'
      ? { vi: 'Không tìm thấy đơn vị này.', en: 'This unit was not found.' }
      : error.code === 'invalid_input'
        ? { vi: 'Địa chỉ không hợp lệ.', en: 'The address is not valid.' }
        : {
            vi: 'Đã có lỗi. Xin thử lại sau ít phút.',
            en: 'Something went wrong. Please try again in a few minutes.',
          };
  const details =
    error.code === 'invalid_input' ? error.details?.map((d) => `${d.field}: ${d.message}`) : undefined;
  return renderErrorPage({
    lang,
    title: 'resultsErrorTitle',
    status: error.status,
    message,
    ...(details ? { details } : {}),
    nonce: newNonce(),
  });
}
