import type { InstrumentRegistry, LocalizedText } from '../methodology/instruments';
import type { ReportedFigure } from '../methodology/snapshots';
import type {
  ChildRow,
  DashboardView,
  PeerAverages,
  ReportView,
  ServedSnapshot,
  TrendPoint,
} from '../use-cases/dashboard';
import { DASHBOARD_TEXT, type DashboardText } from './dashboard-text';
import { esc } from './html';
import type { Lang } from './i18n';

/**
 * Server-side rendering of the results views as HTML fragments: the dashboard (which fetches them
 * with its token and inserts them), the monthly report and the public page use the same code, so
 * the same figure reads the same everywhere. Every value from outside goes through esc(). No
 * inline style attributes (the pages' CSP forbids them): sizes are SVG attributes.
 */
export type Labels = Map<string, LocalizedText>;

export function labelsOf(registry: InstrumentRegistry): Labels {
  const labels: Labels = new Map();
  for (const id of registry.ids()) {
    for (const factor of registry.get(id)!.factors) {
      labels.set(factor.id, registry.name(factor.id)!);
      for (const item of factor.items) labels.set(item.id, registry.name(item.id)!);
    }
  }
  return labels;
}

/** A percentage with 2 decimals, with the decimal comma in Vietnamese. */
export function pct(value: number, lang: Lang): string {
  const fixed = value.toFixed(2);
  return lang === 'vi' ? fixed.replace('.', ',') : fixed;
}

function interval(ci: readonly [number, number], lang: Lang): string {
  return `${pct(ci[0], lang)}–${pct(ci[1], lang)}`;
}

export function rankChangeText(change: number | null, t: DashboardText): { symbol: string; words: string } {
  if (change === null) return { symbol: '', words: t.rankNew };
  if (change > 0) return { symbol: `↑${change}`, words: t.up(change) };
  if (change < 0) return { symbol: `↓${-change}`, words: t.down(-change) };
  return { symbol: '=', words: t.rankSame };
}

function label(labels: Labels, id: string, lang: Lang): string {
  return labels.get(id)?.[lang] ?? id;
}

/** The overall index, or why there is none: insufficient data never looks like a solid figure. */
export function renderOverall(snapshot: ServedSnapshot | null, minN: number, lang: Lang): string {
  const t = DASHBOARD_TEXT[lang];
  if (!snapshot)
    return `<section class="card overall" aria-labelledby="overall-h"><h2 id="overall-h">${esc(t.overall)}</h2><p class="nodata">${esc(t.noData)}</p></section>`;
  if (!snapshot.sufficient) {
    return `<section class="card overall insufficient" aria-labelledby="overall-h"><h2 id="overall-h">${esc(t.overall)}</h2><p class="verdict" data-testid="overall-status">${esc(t.insufficient)}</p><p>${esc(t.insufficientDetail(snapshot.n, minN))}</p><p class="muted provisional">${esc(t.provisional)}: ~${pct(snapshot.index, lang)} % (${esc(t.ci)}: ${interval(snapshot.ci95, lang)})</p></section>`;
  }
  return `<section class="card overall" aria-labelledby="overall-h"><h2 id="overall-h">${esc(t.overall)}</h2><p class="big" data-testid="overall-index">${pct(snapshot.index, lang)} %</p><p>${esc(t.ci)}: <span data-testid="overall-ci">${interval(snapshot.ci95, lang)}</span></p><p>${esc(t.ratings)}: <span data-testid="overall-n">${snapshot.n}</span></p></section>`;
}

export function renderRank(snapshot: ServedSnapshot | null, lang: Lang): string {
  const t = DASHBOARD_TEXT[lang];
  const rank = snapshot?.rank;
  if (!rank)
    return `<section class="card rank" aria-labelledby="rank-h"><h2 id="rank-h">${esc(t.rank)}</h2><p class="big muted">${esc(t.notRanked)}</p></section>`;
  const change = rankChangeText(rank.change, t);
  return `<section class="card rank" aria-labelledby="rank-h"><h2 id="rank-h">${esc(t.rank)}</h2><p class="big"><span data-testid="rank">${rank.position}/${rank.of}</span> <span class="change" data-testid="rank-change" aria-label="${esc(change.words)}">${esc(change.symbol)}</span></p><p class="muted">${esc(change.words)}</p></section>`;
}

const W = 640;
const H = 220;
const PAD = { left: 40, right: 28, top: 12, bottom: 28 };

/** The monthly trend as an inline SVG (line with the 95 % interval as a band) and the same figures as a table. */
export function renderTrend(trend: readonly TrendPoint[], lang: Lang, idPrefix = 'trend'): string {
  const t = DASHBOARD_TEXT[lang];
  const heading = `<h2 id="${idPrefix}-h">${esc(t.trend)}</h2>`;
  if (trend.length === 0)
    return `<section class="trend" aria-labelledby="${idPrefix}-h">${heading}<p class="nodata">${esc(t.trendEmpty)}</p></section>`;
  const lows = trend.map((p) => p.ci95[0]);
  const yMin = Math.max(0, Math.floor((Math.min(...lows) - 5) / 10) * 10);
  const yMax = 100;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (trend.length === 1 ? plotW / 2 : (i * plotW) / (trend.length - 1));
  const y = (v: number) => PAD.top + ((yMax - v) * plotH) / (yMax - yMin);
  const r1 = (v: number) => v.toFixed(1);
  const band = [
    ...trend.map((p, i) => `${r1(x(i))},${r1(y(p.ci95[1]))}`),
    ...[...trend].reverse().map((p, j) => `${r1(x(trend.length - 1 - j))},${r1(y(p.ci95[0]))}`),
  ].join(' ');
  const line = trend.map((p, i) => `${r1(x(i))},${r1(y(p.index))}`).join(' ');
  const grid = [];
  for (let v = yMin; v <= yMax; v += 10) {
    grid.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${r1(y(v))}" y2="${r1(y(v))}" class="grid"/><text x="${PAD.left - 4}" y="${r1(y(v) + 4)}" text-anchor="end">${v}</text>`,
    );
  }
  const dots = trend
    .map(
      (p, i) =>
        `<circle cx="${r1(x(i))}" cy="${r1(y(p.index))}" r="4" class="${p.sufficient ? 'dot' : 'dot hollow'}"/>`,
    )
    .join('');
  const labels = trend
    .map((p, i) => `<text x="${r1(x(i))}" y="${H - 8}" text-anchor="middle">${esc(p.period.slice(2))}</text>`)
    .join('');
  const first = trend[0]!.period;
  const last = trend.at(-1)!.period;
  const rows = trend
    .map(
      (p) =>
        `<tr><th scope="row">${esc(p.period)}</th><td>${p.sufficient ? `${pct(p.index, lang)} %` : `<span class="muted">${esc(t.insufficient)} (~${pct(p.index, lang)} %)</span>`}</td><td>${interval(p.ci95, lang)}</td><td>${p.n}</td></tr>`,
    )
    .join('');
  return `<section class="trend" aria-labelledby="${idPrefix}-h">${heading}<figure><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${idPrefix}-title ${idPrefix}-desc" class="chart"><title id="${idPrefix}-title">${esc(t.trend)}</title><desc id="${idPrefix}-desc">${esc(t.trendDesc(first, last))}</desc>${grid.join('')}<polygon points="${band}" class="band"/><polyline points="${line}" class="line" fill="none"/>${dots}${labels}</svg><figcaption class="muted">${esc(t.trendDesc(first, last))} ${esc(t.trendHollow)}</figcaption></figure><table class="data trend-table"><caption>${esc(t.trend)}</caption><thead><tr><th scope="col">${esc(t.month)}</th><th scope="col">${esc(t.index)}</th><th scope="col">${esc(t.ci)}</th><th scope="col">${esc(t.ratings)}</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function bar(value: number, peer: number | undefined): string {
  // Decorative: the table cells beside it carry the figures.
  const w = 120;
  const peerMark =
    peer === undefined
      ? ''
      : `<line x1="${((peer * w) / 100).toFixed(1)}" x2="${((peer * w) / 100).toFixed(1)}" y1="0" y2="14" class="peer"/>`;
  return `<svg width="${w}" height="14" aria-hidden="true" focusable="false" class="bar"><rect x="0" y="3" width="${w}" height="8" class="track"/><rect x="0" y="3" width="${((value * w) / 100).toFixed(1)}" height="8" class="fill"/>${peerMark}</svg>`;
}

function figureRows(
  figures: readonly ReportedFigure[],
  peers: Record<string, number> | undefined,
  below: ReadonlySet<string>,
  labels: Labels,
  lang: Lang,
): string {
  const t = DASHBOARD_TEXT[lang];
  return figures
    .map((f) => {
      const peer = peers?.[f.id];
      const isBelow = below.has(f.id);
      const diff =
        peer === undefined ? '' : `${f.index - peer >= 0 ? '+' : '−'}${pct(Math.abs(f.index - peer), lang)}`;
      return `<tr class="${isBelow ? 'below' : ''}" data-id="${esc(f.id)}"><th scope="row">${esc(label(labels, f.id, lang))}${isBelow ? ` <span class="flag">▼ ${esc(t.belowPeers)}</span>` : ''}</th><td>${pct(f.index, lang)} %</td><td>${interval(f.ci95, lang)}</td><td>${peer === undefined ? '—' : `${pct(peer, lang)} %`}</td><td>${diff}</td><td>${bar(f.index, peer)}</td></tr>`;
    })
    .join('');
}

export function renderFactors(
  snapshot: ServedSnapshot | null,
  peers: PeerAverages | null,
  labels: Labels,
  lang: Lang,
): string {
  const t = DASHBOARD_TEXT[lang];
  if (!snapshot) return '';
  const below = new Set(snapshot.belowPeers);
  const head = (first: string) =>
    `<thead><tr><th scope="col">${esc(first)}</th><th scope="col">${esc(t.index)}</th><th scope="col">${esc(t.ci)}</th><th scope="col">${esc(t.peerAverage)}</th><th scope="col">${esc(t.difference)}</th><th scope="col"><span class="visually-hidden">${esc(t.index)}</span></th></tr></thead>`;
  const note = peers ? '' : `<p class="muted">${esc(t.noPeers)}</p>`;
  return `<section class="factors" aria-labelledby="factors-h"><h2 id="factors-h">${esc(t.factors)}</h2>${note}<table class="data"><caption>${esc(t.factor)}</caption>${head(t.factor)}<tbody>${figureRows(snapshot.factors, peers?.factors, below, labels, lang)}</tbody></table><table class="data items"><caption>${esc(t.items)}</caption>${head(t.item)}<tbody>${figureRows(snapshot.items, peers?.items, below, labels, lang)}</tbody></table></section>`;
}

function childName(child: ChildRow, lang: Lang): string {
  return lang === 'en' ? (child.nameEn ?? child.name) : child.name;
}

/** The children as a table the dashboard's script can sort (each cell carries its sort value). */
export function renderChildren(
  children: readonly ChildRow[],
  period: string,
  lang: Lang,
  options: { links: boolean },
): string {
  const t = DASHBOARD_TEXT[lang];
  if (children.length === 0)
    return `<section class="children" aria-labelledby="children-h"><h2 id="children-h">${esc(t.children)}</h2><p class="muted">${esc(t.noChildren)}</p></section>`;
  const columns: [string, string][] = [
    ['name', t.name],
    ['index', t.index],
    ['n', t.ratings],
    ['rank', t.rank],
    ['change', t.change],
  ];
  const head = columns
    .map(
      ([key, text]) =>
        `<th scope="col" aria-sort="none"><button type="button" class="sort" data-sort="${key}" aria-label="${esc(t.sortBy(text))}">${esc(text)}</button></th>`,
    )
    .join('');
  const rows = children
    .map((child) => {
      const r = child.result;
      const name = esc(childName(child, lang));
      const nameCell = options.links
        ? `<a href="?unit=${encodeURIComponent(child.unitId)}&amp;period=${encodeURIComponent(period)}&amp;lang=${lang}" data-unit="${esc(child.unitId)}">${name}</a>`
        : name;
      const index = !r
        ? `<td data-value="-2" class="muted">${esc(t.noData)}</td>`
        : r.sufficient
          ? `<td data-value="${r.index}">${pct(r.index, lang)} % <span class="muted">(${interval(r.ci95, lang)})</span></td>`
          : `<td data-value="-1" class="muted">${esc(t.insufficient)}</td>`;
      const change = r?.rank ? rankChangeText(r.rank.change, t) : undefined;
      return `<tr data-unit="${esc(child.unitId)}"><th scope="row" data-value="${esc(childName(child, lang))}">${nameCell}</th>${index}<td data-value="${r?.n ?? 0}">${r?.n ?? 0}</td><td data-value="${r?.rank ? r.rank.position : 9999}">${r?.rank ? `${r.rank.position}/${r.rank.of}` : '—'}</td><td data-value="${r?.rank?.change ?? -9999}">${change ? `<span aria-label="${esc(change.words)}">${esc(change.symbol || '—')}</span>` : '—'}</td></tr>`;
    })
    .join('');
  return `<section class="children" aria-labelledby="children-h"><h2 id="children-h">${esc(t.children)}</h2><table class="data sortable" data-testid="children"><caption>${esc(t.children)} · ${esc(period)}</caption><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** Officials read times in Vietnam time (UTC+7, no daylight saving), as the days are cut. */
function vietnamTime(instant: string): string {
  return `${new Date(Date.parse(instant) + 7 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')} (UTC+7)`;
}

function unitHeading(view: DashboardView, lang: Lang): string {
  const name = lang === 'en' ? (view.unit.nameEn ?? view.unit.name) : view.unit.name;
  return `<h2 class="unit-name" data-testid="unit-name" data-unit="${esc(view.unit.id)}">${esc(name)} <span class="muted">· ${esc(view.period)}</span></h2>`;
}

/** The dashboard view of one unit and period, as inserted by the dashboard page. */
export function renderDashboardView(view: DashboardView, labels: Labels, lang: Lang): string {
  return `${unitHeading(view, lang)}<div class="cards">${renderOverall(view.snapshot, view.minN, lang)}${renderRank(view.snapshot, lang)}</div>${renderTrend(view.trend, lang)}${renderFactors(view.snapshot, view.peers, labels, lang)}${renderChildren(view.children, view.period, lang, { links: true })}`;
}

/** The monthly report: the same figures, then the month's comments (officials of the subtree only). */
export function renderReportView(view: ReportView, labels: Labels, lang: Lang): string {
  const t = DASHBOARD_TEXT[lang];
  const comments = view.comments
    .map(
      (c) =>
        `<li><p class="meta muted"><time datetime="${esc(c.receivedAt)}">${esc(vietnamTime(c.receivedAt))}</time> · ${esc(c.unitId)}${c.flagged ? ` · <strong>${esc(t.flaggedMark)}</strong>` : ''}</p><blockquote>${esc(c.text)}</blockquote></li>`,
    )
    .join('');
  const partial = view.commentsCoverSubtree ? '' : `<p class="muted">${esc(t.commentsPartial)}</p>`;
  const shown =
    view.commentsTotal > view.comments.length
      ? `<p class="muted">${esc(t.commentsShown(view.comments.length, view.commentsTotal))}</p>`
      : '';
  return `${unitHeading(view, lang)}<div class="cards">${renderOverall(view.snapshot, view.minN, lang)}${renderRank(view.snapshot, lang)}</div>${renderTrend(view.trend, lang)}${renderFactors(view.snapshot, view.peers, labels, lang)}${renderChildren(view.children, view.period, lang, { links: false })}<section class="flagged" aria-labelledby="flagged-h"><h2 id="flagged-h">${esc(t.flagged)}</h2><p data-testid="flagged">${esc(t.flaggedCount(view.flagged))}</p></section><section class="comments" aria-labelledby="comments-h"><h2 id="comments-h">${esc(t.comments)}</h2>${partial}${shown}${comments ? `<ol class="comment-list">${comments}</ol>` : `<p class="muted">${esc(t.noComments)}</p>`}</section>`;
}

/** Styles shared by the dashboard, the report and the public page, with print rules for A4. */
export const RESULTS_CSS =
  '.cards{display:flex;flex-wrap:wrap;gap:1rem}.card{flex:1 1 14rem;border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem}' +
  '.card h2{margin-top:0;font-size:1rem}.big{font-size:2rem;font-weight:700;margin:.25rem 0}.insufficient .verdict{font-size:1.4rem;font-weight:700;color:#8a4b00}' +
  '.provisional{font-style:italic}.nodata{color:var(--muted)}.change{font-size:1.4rem}' +
  'table.data{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.95rem}table.data caption{text-align:left;font-weight:600;padding:.25rem 0}' +
  'table.data th,table.data td{border-bottom:1px solid var(--line);padding:.3rem .4rem;text-align:left;vertical-align:top}' +
  'tr.below{background:#fdecee}.flag{color:#8c0016;font-weight:600;white-space:nowrap}' +
  '.chart{max-width:44rem;display:block}.chart text{font-size:11px;fill:#333}.chart .grid{stroke:#ddd}.chart .band{fill:#0b5cad;fill-opacity:.18}' +
  '.chart .line{stroke:#0b5cad;stroke-width:2}.chart .dot{fill:#0b5cad}.chart .dot.hollow{fill:#fff;stroke:#0b5cad;stroke-width:2}' +
  '.bar .track{fill:#e6e6e6}.bar .fill{fill:#0b5cad}.bar .peer{stroke:#1a1a1a;stroke-width:2}' +
  'button.sort{all:unset;cursor:pointer;font-weight:600;text-decoration:underline}button.sort:focus-visible{outline:3px solid #f9a825}' +
  '.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}' +
  '.comment-list{padding-left:1.2rem}.comment-list blockquote{margin:.2rem 0 .8rem;white-space:pre-wrap}' +
  '@media print{@page{size:A4;margin:14mm}body{font-size:10.5pt}.no-print,nav,header .actions{display:none!important}main{max-width:none;padding:0}' +
  'section{break-inside:avoid}.trend,.factors table{break-inside:avoid}tr.below{background:none;font-weight:600}a{color:#000;text-decoration:none}}';
