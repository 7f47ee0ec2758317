/**
 * Periods (METHODOLOGY.md): day YYYY-MM-DD, month YYYY-MM, quarter YYYY-Qn, year YYYY.
 * Days are Vietnam days (Asia/Ho_Chi_Minh, UTC+7 all year, no daylight saving).
 */
export type PeriodKind = 'day' | 'month' | 'quarter' | 'year';

export const PERIOD_KINDS: readonly PeriodKind[] = ['day', 'month', 'quarter', 'year'];

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const PATTERNS: Record<PeriodKind, RegExp> = {
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
  quarter: /^(\d{4})-Q([1-4])$/,
  year: /^(\d{4})$/,
};

/**
 * The years the service takes dates in: what a client asks for or imports must fall in them.
 * Ratings are of this century; outside it a date is a typo or a probe. Periods outside them still
 * exist (2000's previous year is 1999) and simply hold nothing.
 */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;
/** The longest range of days daysBetween builds: a century. */
const MAX_RANGE_DAYS = 36_525;

/** Whether a period (of any kind) falls in FIRST_YEAR … LAST_YEAR. */
export function inServiceYears(period: string): boolean {
  const year = Number(period.slice(0, 4));
  return periodKind(period) !== undefined && year >= FIRST_YEAR && year <= LAST_YEAR;
}

export function periodKind(period: string): PeriodKind | undefined {
  for (const kind of PERIOD_KINDS) {
    if (PATTERNS[kind].test(period) && isValidPeriod(kind, period)) return kind;
  }
  return undefined;
}

function isValidPeriod(kind: PeriodKind, period: string): boolean {
  if (kind === 'day') {
    const date = new Date(`${period}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === period;
  }
  if (kind === 'month') {
    const month = Number(period.slice(5, 7));
    return month >= 1 && month <= 12;
  }
  return true;
}

/** The Vietnam calendar day on which an instant falls. */
export function vietnamDay(instant: Date | string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return new Date(ms + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Days from `from` to `to`, both included (none if `to` is before `from`), counted by the calendar:
 * stepping a string until it passes `to` never ended at 9999-12-31, whose next day reads
 * +010000-01-01 and sorts before it.
 */
export function daysBetween(from: string, to: string): string[] {
  if (periodKind(from) !== 'day' || periodKind(to) !== 'day') {
    throw new RangeError(`not a range of days: ${from} … ${to}`);
  }
  const count = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
  if (count > MAX_RANGE_DAYS) throw new RangeError(`more than a century of days: ${from} … ${to}`);
  return Array.from({ length: Math.max(count, 0) }, (_, i) => addDays(from, i));
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

export function quarterOf(day: string): string {
  return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}

export function yearOf(day: string): string {
  return day.slice(0, 4);
}

/** The day, month, quarter and year that contain a day, in that order. */
export function periodsContaining(day: string): Record<PeriodKind, string> {
  return { day, month: monthOf(day), quarter: quarterOf(day), year: yearOf(day) };
}

/** The periods of the next smaller kind that make up a period (days of a month, months of a quarter, ...). */
export function partsOf(period: string): { kind: PeriodKind; first: string; last: string } {
  const kind = requireKind(period);
  const year = Number(period.slice(0, 4));
  switch (kind) {
    case 'month': {
      const month = Number(period.slice(5, 7));
      const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
      return { kind: 'day', first: `${period}-01`, last: `${period}-${String(lastDay).padStart(2, '0')}` };
    }
    case 'quarter': {
      const quarter = Number(period.slice(6));
      const firstMonth = (quarter - 1) * 3 + 1;
      const pad = (m: number) => `${year}-${String(m).padStart(2, '0')}`;
      return { kind: 'month', first: pad(firstMonth), last: pad(firstMonth + 2) };
    }
    case 'year':
      return { kind: 'quarter', first: `${year}-Q1`, last: `${year}-Q4` };
    case 'day':
      throw new RangeError('a day has no smaller parts');
  }
}

/** The period `steps` periods of the same kind after `period` (before it, for negative steps). */
function shiftPeriod(period: string, steps: number): string {
  const kind = requireKind(period);
  const year = Number(period.slice(0, 4));
  // Months and quarters are counted from year 0, so a year boundary is just another step.
  const shifted = (perYear: number, ordinal: number) => {
    const index = year * perYear + ordinal - 1 + steps;
    return { year: Math.floor(index / perYear), ordinal: (((index % perYear) + perYear) % perYear) + 1 };
  };
  switch (kind) {
    case 'day':
      return addDays(period, steps);
    case 'month': {
      const month = shifted(12, Number(period.slice(5, 7)));
      return `${month.year}-${String(month.ordinal).padStart(2, '0')}`;
    }
    case 'quarter': {
      const quarter = shifted(4, Number(period.slice(6)));
      return `${quarter.year}-Q${quarter.ordinal}`;
    }
    case 'year':
      return String(year + steps);
  }
}

/** The previous period of the same kind (yesterday, last month, last quarter, last year). */
export function previousPeriod(period: string): string {
  return shiftPeriod(period, -1);
}

/** The next period of the same kind (tomorrow, next month, next quarter, next year). */
export function nextPeriod(period: string): string {
  return shiftPeriod(period, 1);
}

export function requireKind(period: string): PeriodKind {
  const kind = periodKind(period);
  if (!kind) throw new RangeError(`not a period: ${period}`);
  return kind;
}

/** Days of a period, first and last, for reading ratings or day histograms. */
export function dayRange(period: string): { first: string; last: string } {
  const kind = requireKind(period);
  if (kind === 'day') return { first: period, last: period };
  if (kind === 'month') return partsOf(period);
  const { first, last } = partsOf(period);
  return { first: dayRange(first).first, last: dayRange(last).last };
}

/** Every part of a period, in order: the days of a month, the months of a quarter, the quarters of a year. */
export function partsListOf(period: string): string[] {
  const { kind, first, last } = partsOf(period);
  if (kind === 'day') return daysBetween(first, last);
  const parts = [first];
  while (parts.at(-1) !== last) {
    const current = parts.at(-1)!;
    // The next part is the one whose previous period is the current one.
    parts.push(
      kind === 'month' ? nextMonth(current) : `${current.slice(0, 4)}-Q${Number(current.slice(6)) + 1}`,
    );
  }
  return parts;
}

function nextMonth(month: string): string {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}
