import type { Snapshot } from '../methodology/snapshots';
import { dashboardLink, formatNumber, periodLabel, toAscii } from './messages';

/**
 * The weekly digest of one subscribed scope (pure): the scope's children in the month so far,
 * best and worst by index, and the biggest moves against the previous month. Only ranked
 * (sufficient) children take part, as in the rankings.
 */
export interface DigestEntry {
  unitId: string;
  name: string;
  index: number;
  n: number;
  /** points against the previous month, where the unit was sufficient in both */
  change: number | null;
}

export interface Digest {
  scopeUnitId: string;
  scopeName: string;
  period: string;
  best: DigestEntry[];
  worst: DigestEntry[];
  moves: DigestEntry[];
  alerts: number;
}

const TOP = 3;

export function buildDigest(input: {
  scopeUnitId: string;
  scopeName: string;
  period: string;
  children: readonly Snapshot[];
  previous: readonly Snapshot[];
  alerts: number;
}): Digest {
  const before = new Map(input.previous.filter((s) => s.sufficient).map((s) => [s.unitId, s.index] as const));
  const entries: DigestEntry[] = input.children
    .filter((s) => s.sufficient)
    .map((s) => {
      const previous = before.get(s.unitId);
      return {
        unitId: s.unitId,
        name: s.name,
        index: s.index,
        n: s.n,
        change: previous === undefined ? null : Math.round((s.index - previous) * 100) / 100,
      };
    });
  const byIndex = [...entries].sort((a, b) => b.index - a.index || a.unitId.localeCompare(b.unitId));
  const best = byIndex.slice(0, TOP);
  const worst = byIndex.slice(Math.max(TOP, byIndex.length - TOP)).reverse();
  const moves = entries
    .filter((e) => e.change !== null && e.change !== 0)
    .sort((a, b) => Math.abs(b.change!) - Math.abs(a.change!) || a.unitId.localeCompare(b.unitId))
    .slice(0, TOP);
  return {
    scopeUnitId: input.scopeUnitId,
    scopeName: input.scopeName,
    period: input.period,
    best,
    worst,
    moves,
    alerts: input.alerts,
  };
}

function lines(entries: readonly DigestEntry[], lang: 'vi' | 'en', withChange: boolean): string {
  if (entries.length === 0) return lang === 'vi' ? '  (chưa đủ dữ liệu)' : '  (not enough data yet)';
  return entries
    .map((e) => {
      const change =
        withChange && e.change !== null ? ` (${e.change > 0 ? '+' : ''}${formatNumber(e.change, lang)})` : '';
      return `  - ${e.name}: ${formatNumber(e.index, lang)} %${change}`;
    })
    .join('\n');
}

export function digestMessage(
  digest: Digest,
  dashboardBaseUrl: string | undefined,
): { subject: string; message: string } {
  const link = dashboardLink(dashboardBaseUrl, digest.scopeUnitId);
  const vi =
    `Tổng hợp tuần: ${digest.scopeName}, ${periodLabel(digest.period, 'vi')} (đến nay).\n` +
    `Cao nhất:\n${lines(digest.best, 'vi', false)}\nThấp nhất:\n${lines(digest.worst, 'vi', false)}\n` +
    `Thay đổi lớn nhất so với tháng trước:\n${lines(digest.moves, 'vi', true)}\n` +
    `Cảnh báo trong 7 ngày qua: ${digest.alerts}.\nXem chi tiết: ${link}`;
  const en =
    `Weekly digest: ${digest.scopeName}, ${periodLabel(digest.period, 'en')} (so far).\n` +
    `Best:\n${lines(digest.best, 'en', false)}\nWorst:\n${lines(digest.worst, 'en', false)}\n` +
    `Biggest moves since last month:\n${lines(digest.moves, 'en', true)}\n` +
    `Alerts in the last 7 days: ${digest.alerts}.\nDetails: ${link}`;
  return {
    subject: toAscii(`[SIPAS] Tong hop tuan: ${digest.scopeName}`).slice(0, 99),
    message: `${vi}\n\n${en}`,
  };
}
