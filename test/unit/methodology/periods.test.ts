import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dayRange,
  daysBetween,
  inServiceYears,
  nextPeriod,
  partsListOf,
  partsOf,
  periodKind,
  periodsContaining,
  previousPeriod,
  vietnamDay,
} from '../../../shared/methodology/periods';

describe('Vietnam days (Asia/Ho_Chi_Minh, UTC+7, no daylight saving)', () => {
  // Midnight in Hanoi is 17:00 UTC, not 17:30: 17:29:59Z is already 00:29:59 the next morning
  // there (the "17:30 UTC is midnight" is off by half an hour; UTC+7 is normative).
  it('puts 16:59:59 UTC on 31 March in March and Q1', () => {
    expect(periodsContaining(vietnamDay('2026-03-31T16:59:59Z'))).toEqual({
      day: '2026-03-31',
      month: '2026-03',
      quarter: '2026-Q1',
      year: '2026',
    });
  });

  it('puts 17:00:00 UTC on 31 March, and 17:29:59 and 17:30:00, on 1 April in Q2', () => {
    for (const instant of ['2026-03-31T17:00:00Z', '2026-03-31T17:29:59Z', '2026-03-31T17:30:00Z']) {
      expect(periodsContaining(vietnamDay(instant))).toEqual({
        day: '2026-04-01',
        month: '2026-04',
        quarter: '2026-Q2',
        year: '2026',
      });
    }
  });

  it('turns the year at 17:00 UTC on 31 December', () => {
    expect(vietnamDay('2025-12-31T16:59:59.999Z')).toBe('2025-12-31');
    expect(vietnamDay('2025-12-31T17:00:00Z')).toBe('2026-01-01');
  });

  it('reads offsets in the instant, as sent', () => {
    expect(vietnamDay('2026-04-01T00:10:00+07:00')).toBe('2026-04-01');
  });

  it('agrees with the time-zone database for any instant since 1976', () => {
    const hanoi = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Ho_Chi_Minh',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1976, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        expect(vietnamDay(new Date(ms))).toBe(hanoi.format(new Date(ms)));
      }),
    );
  });
});

describe('periods', () => {
  it('recognises the four kinds and refuses impossible dates', () => {
    expect(['2026-02-28', '2026-02', '2026-Q1', '2026'].map(periodKind)).toEqual([
      'day',
      'month',
      'quarter',
      'year',
    ]);
    expect(['2026-02-30', '2026-13', '2026-Q5', '26', '2026-1'].map(periodKind)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('serves the years 2000 to 2099, and counts a range of days by the calendar, so it always ends', () => {
    expect(['1999-12-31', '1999', '2100-01-01', '2100-Q1', '9999-12-31'].map(inServiceYears)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(['2000-01-01', '2099-12-31', '2099', '2000-Q1'].map(inServiceYears)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    // outside them a period is still a period: 2000's previous year is 1999, which holds nothing
    expect(['1999', '1999-12'].map(periodKind)).toEqual(['year', 'month']);
    // 9999-12-31's next day is +010000-01-01 in ISO form, which sorts before it: the old loop never ended
    expect(daysBetween('9999-12-30', '9999-12-31')).toEqual(['9999-12-30', '9999-12-31']);
    expect(() => daysBetween('0001-01-01', '9999-12-31')).toThrow(RangeError);
    expect(() => daysBetween('2026-02-30', '2026-03-01')).toThrow(RangeError);
    expect(daysBetween('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(daysBetween('2026-03-02', '2026-03-01')).toEqual([]);
    expect(daysBetween('2000-01-01', '2099-12-31')).toHaveLength(36_525);
  });

  it('knows the previous period of the same kind across year ends', () => {
    expect(['2026-01-01', '2026-01', '2026-Q1', '2026'].map(previousPeriod)).toEqual([
      '2025-12-31',
      '2025-12',
      '2025-Q4',
      '2025',
    ]);
    expect(previousPeriod('2024-03-01')).toBe('2024-02-29');
  });

  it('knows the next period of the same kind across year ends, the way back to previousPeriod', () => {
    expect(['2025-12-31', '2025-12', '2025-Q4', '2025'].map(nextPeriod)).toEqual([
      '2026-01-01',
      '2026-01',
      '2026-Q1',
      '2026',
    ]);
    expect(nextPeriod('2024-02-28')).toBe('2024-02-29');
    expect(nextPeriod('2026-09')).toBe('2026-10');
    const anyPeriod = fc
      .date({
        min: new Date('2000-01-02T00:00:00Z'),
        max: new Date('2099-12-30T00:00:00Z'),
        noInvalidDate: true,
      })
      .chain((date) => fc.constantFrom(...Object.values(periodsContaining(vietnamDay(date)))));
    fc.assert(fc.property(anyPeriod, (period) => previousPeriod(nextPeriod(period)) === period));
  });

  it('splits a period into the parts the histograms are summed from', () => {
    expect(partsOf('2024-02')).toEqual({ kind: 'day', first: '2024-02-01', last: '2024-02-29' });
    expect(partsOf('2026-Q3')).toEqual({ kind: 'month', first: '2026-07', last: '2026-09' });
    expect(partsOf('2026')).toEqual({ kind: 'quarter', first: '2026-Q1', last: '2026-Q4' });
    expect(dayRange('2026-Q4')).toEqual({ first: '2026-10-01', last: '2026-12-31' });
    expect(partsListOf('2024-02')).toHaveLength(29);
    expect(partsListOf('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(partsListOf('2026')).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
  });
});
