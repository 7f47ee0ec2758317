import type { Figures, RaisedAlert, RuleId, Severity } from './rules';

/**
 * Alert texts in Vietnamese and English that read well as an e-mail or an SMS: who, what
 * happened, the figures, and where to look. They are built from the unit's name and the figures
 * only: no citizen's comment or other free text can reach an alert.
 */
export type Lang = 'vi' | 'en';

export interface AlertText {
  /** SNS e-mail subjects must be ASCII, under 100 characters, on one line */
  subject: string;
  body: string;
}

export type AlertMessages = Record<Lang, AlertText>;

export const SEVERITY_WORD: Record<Lang, Record<Severity, string>> = {
  vi: { info: 'Thông báo', warning: 'Cảnh báo', critical: 'Cảnh báo khẩn' },
  en: { info: 'Notice', warning: 'Warning', critical: 'Critical' },
};

/** Each rule's name, for lists (the dashboard's alert panel). */
export const RULE_NAME: Record<Lang, Record<RuleId, string>> = {
  vi: {
    'below-target': 'Dưới mục tiêu',
    'significant-drop': 'Giảm đáng kể',
    'rank-drop': 'Tụt hạng',
    'below-peers': 'Thấp hơn đơn vị cùng cấp',
    'dissatisfaction-spike': 'Không hài lòng tăng đột biến',
  },
  en: {
    'below-target': 'Below target',
    'significant-drop': 'Significant drop',
    'rank-drop': 'Rank drop',
    'below-peers': 'Below its peers',
    'dissatisfaction-spike': 'Dissatisfaction spike',
  },
};

/** A number's text with the decimal comma in Vietnamese. */
const inLanguage = (text: string, lang: Lang) => (lang === 'vi' ? text.replace('.', ',') : text);

/** Numbers as a reader of each language writes them: 72,5 in Vietnamese, 72.5 in English. */
export function formatNumber(value: number | string, lang: Lang): string {
  return typeof value === 'string' ? value : inLanguage(String(Math.round(value * 100) / 100), lang);
}

/** A percentage with 2 decimals: 72,50 in Vietnamese, 72.50 in English. */
export function formatPercent(value: number | string, lang: Lang): string {
  return typeof value === 'string' ? value : inLanguage(value.toFixed(2), lang);
}

const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function periodLabel(period: string, lang: Lang): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(period);
  if (day)
    return lang === 'vi'
      ? `ngày ${day[3]}/${day[2]}/${day[1]}`
      : `${Number(day[3])} ${MONTHS_EN[Number(day[2]) - 1]} ${day[1]}`;
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month)
    return lang === 'vi' ? `tháng ${month[2]}/${month[1]}` : `${MONTHS_EN[Number(month[2]) - 1]} ${month[1]}`;
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return lang === 'vi' ? `quý ${quarter[2]}/${quarter[1]}` : `Q${quarter[2]} ${quarter[1]}`;
  return lang === 'vi' ? `năm ${period}` : period;
}

/** Vietnamese without diacritics, for the ASCII-only places (SNS e-mail subjects). */
export function toAscii(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^\x20-\x7e]/g, '')
      // a dash or other sign dropped between two words leaves one space, not two
      .replace(/ {2,}/g, ' ')
  );
}

/** A factor's or item's name in one language, from its id (the id itself when unknown). */
type NameOf = (id: string) => string;

/** How a text writes what it says, in its language. */
interface Writers {
  /** a number */
  n: (v: number | string) => string;
  /** a percentage: 2 decimals, as the API and the dashboard give them */
  pct: (v: number | string) => string;
  name: NameOf;
}

type Lines = (f: Figures, w: Writers) => { headline: string; detail: string };

/** The names of a comma-separated list of ids, as the below-peers figures hold them. */
const namesOf = (ids: Figures[string] | undefined, name: NameOf) =>
  String(ids ?? '')
    .split(', ')
    .filter(Boolean)
    .map((id) => `"${name(id)}"`)
    .join(', ');

const TEXTS: Record<RuleId, Record<Lang, Lines>> = {
  'below-target': {
    vi: (f, { n, pct }) => ({
      headline: `chỉ số hài lòng dưới mục tiêu ${n(f.target!)} %`,
      detail: `Chỉ số hài lòng là ${pct(f.index!)} % (khoảng tin cậy 95 %: ${pct(f.ci95Low!)}–${pct(f.ci95High!)} %, ${n(f.n!)} phiếu), cả khoảng đều thấp hơn mục tiêu ${n(f.target!)} %.`,
    }),
    en: (f, { n, pct }) => ({
      headline: `satisfaction below the ${n(f.target!)} % target`,
      detail: `The satisfaction index is ${pct(f.index!)} % (95 % interval ${pct(f.ci95Low!)}–${pct(f.ci95High!)} %, ${n(f.n!)} ratings): the whole interval is below the ${n(f.target!)} % target.`,
    }),
  },
  'significant-drop': {
    vi: (f, { n, pct }) => ({
      headline: `chỉ số hài lòng giảm ${n(f.fall!)} điểm`,
      detail: `Chỉ số hài lòng giảm từ ${pct(f.previousIndex!)} % (${periodLabel(String(f.previousPeriod), 'vi')}, ${n(f.previousN!)} phiếu) xuống ${pct(f.index!)} % (${n(f.n!)} phiếu), giảm ${n(f.fall!)} điểm; mức giảm có ý nghĩa thống kê ở mức 5 % (z = ${n(f.z!)}).`,
    }),
    en: (f, { n, pct }) => ({
      headline: `satisfaction fell ${n(f.fall!)} points`,
      detail: `The satisfaction index fell from ${pct(f.previousIndex!)} % (${periodLabel(String(f.previousPeriod), 'en')}, ${n(f.previousN!)} ratings) to ${pct(f.index!)} % (${n(f.n!)} ratings), down ${n(f.fall!)} points; the fall is statistically significant at 5 % (z = ${n(f.z!)}).`,
    }),
  },
  'rank-drop': {
    vi: (f, { n, pct }) => ({
      headline: `tụt ${n(f.lost!)} bậc xếp hạng`,
      detail: `Xếp hạng trong các đơn vị cùng cấp tụt từ ${n(f.previousPosition!)} xuống ${n(f.position!)} trên ${n(f.of!)} (chỉ số ${pct(f.index!)} %).`,
    }),
    en: (f, { n, pct }) => ({
      headline: `dropped ${n(f.lost!)} places in the ranking`,
      detail: `Its rank among sibling units fell from ${n(f.previousPosition!)} to ${n(f.position!)} of ${n(f.of!)} (index ${pct(f.index!)} %).`,
    }),
  },
  'below-peers': {
    vi: (f, { n, name, pct }) => ({
      headline: `nhóm tiêu chí "${name(String(f.factor))}" thấp hơn trung bình đơn vị cùng cấp`,
      detail: `Nhóm tiêu chí "${name(String(f.factor))}" đạt ${pct(f.factorIndex!)} %, thấp hơn ${n(f.gap!)} điểm so với trung bình ${pct(f.peerAverage!)} % của ${n(f.peers!)} đơn vị cùng cấp. Các nhóm thấp hơn: ${namesOf(f.factorsBehind, name)}.`,
    }),
    en: (f, { n, name, pct }) => ({
      headline: `factor "${name(String(f.factor))}" below its peers' average`,
      detail: `Factor "${name(String(f.factor))}" is at ${pct(f.factorIndex!)} %, ${n(f.gap!)} points below the ${pct(f.peerAverage!)} % average of ${n(f.peers!)} sibling units. Factors behind: ${namesOf(f.factorsBehind, name)}.`,
    }),
  },
  'dissatisfaction-spike': {
    vi: (f, { n, pct }) => ({
      headline: 'số ý kiến không hài lòng tăng đột biến',
      detail: `${pct(f.share!)} % câu trả lời ở mức không hài lòng (${n(f.lowAnswers!)} trên ${n(f.answers!)}, ${n(f.n!)} phiếu), so với ${pct(f.trailingShare!)} % trong 28 ngày trước${f.ratio === undefined ? '' : ` (gấp ${n(f.ratio)} lần)`}.`,
    }),
    en: (f, { n, pct }) => ({
      headline: 'a spike in dissatisfied answers',
      detail: `${pct(f.share!)} % of answers were dissatisfied (${n(f.lowAnswers!)} of ${n(f.answers!)}, ${n(f.n!)} ratings), against ${pct(f.trailingShare!)} % over the previous 28 days${f.ratio === undefined ? '' : ` (${n(f.ratio)} times as high)`}.`,
    }),
  },
};

export function dashboardLink(baseUrl: string | undefined, unitId: string): string {
  const path = `/dashboard?unit=${encodeURIComponent(unitId)}`;
  return baseUrl ? `${baseUrl.replace(/\/+$/, '')}${path}` : path;
}

/**
 * The alert's texts. `names` gives factors and items their names in both languages (the
 * instruments'); without it, or for an id it does not know, the id stands.
 */
export function alertMessages(
  alert: RaisedAlert,
  dashboardBaseUrl: string | undefined,
  names?: (id: string) => Readonly<Record<Lang, string>> | undefined,
): AlertMessages {
  const link = dashboardLink(dashboardBaseUrl, alert.unitId);
  const text = (lang: Lang): AlertText => {
    const { headline, detail } = TEXTS[alert.rule][lang](alert.figures, {
      n: (v) => formatNumber(v, lang),
      pct: (v) => formatPercent(v, lang),
      name: (id) => names?.(id)?.[lang] ?? id,
    });
    const when = periodLabel(alert.period, lang);
    const word = SEVERITY_WORD[lang][alert.severity];
    const more = lang === 'vi' ? 'Xem chi tiết' : 'Details';
    return {
      subject: subjectOf(
        toAscii(`[SIPAS] ${word}: ${alert.unitName} - `),
        toAscii(headline),
        toAscii(` (${when})`),
      ),
      body: `${word}: ${alert.unitName} – ${headline} (${when}).\n${detail}\n${more}: ${link}`,
    };
  };
  return { vi: text('vi'), en: text('en') };
}

/**
 * An e-mail subject within SNS's 99 characters: a headline too long (a factor's full name) is
 * shortened, so the period at the end stays; only a unit name that fills it alone is cut.
 */
function subjectOf(head: string, headline: string, tail: string): string {
  const MAX = 99;
  if (head.length + headline.length + tail.length <= MAX) return head + headline + tail;
  const room = MAX - head.length - tail.length - 3;
  if (room < 10) return (head + headline + tail).slice(0, MAX);
  return `${head}${headline.slice(0, room).trimEnd()}...${tail}`;
}

/** One text for SNS: Vietnamese first, then English, so an e-mail or SMS serves both readers. */
export function snsMessage(messages: AlertMessages): { subject: string; message: string } {
  return { subject: messages.vi.subject, message: `${messages.vi.body}\n\n${messages.en.body}` };
}
