import { describe, expect, it } from 'vitest';
import { csvLine, parseCsv, ratingsFromCsv } from '../../shared/api/csv';

describe('CSV', () => {
  it('reads quoted fields, doubled quotes, CRLF and a byte-order mark', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n3,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['3', ''],
    ]);
  });

  it('refuses an unclosed quote', () => {
    expect(() => parseCsv('a\n"open')).toThrow('unclosed quote');
  });

  it('writes cells a spreadsheet cannot run as formulas', () => {
    expect(csvLine(['=SUM(A1)', 'a,b', 'plain', undefined])).toBe(`'=SUM(A1),"a,b",plain,\r\n`);
  });

  it('turns item columns into answers and leaves empty cells out', () => {
    expect(
      ratingsFromCsv('unitId,receivedAt,staff.polite,result.ontime\nu1,2026-01-01T00:00:00Z,5,\n'),
    ).toEqual([{ unitId: 'u1', receivedAt: '2026-01-01T00:00:00Z', answers: { 'staff.polite': 5 } }]);
  });

  it('refuses a quote inside a field instead of guessing what was meant', () => {
    expect(() => parseCsv('a,b\n"abc"def,1\n')).toThrow('a quote inside a field in record 2');
    expect(() => parseCsv('a,b\nab"c,1\n')).toThrow('a quote inside a field in record 2');
    expect(parseCsv('a\n"ab""c"\n')).toEqual([['a'], ['ab"c']]);
    // spaces around a quoted field, as some tools write them, are not part of it
    expect(parseCsv('a,b\n1, "x, y" \n')).toEqual([
      ['a', 'b'],
      ['1', 'x, y'],
    ]);
  });

  it('refuses a header Excel or a person could get wrong, naming the column', () => {
    const header = (line: string) => {
      try {
        ratingsFromCsv(`${line}\nu1,2026-01-01T00:00:00Z,5,1\n`);
      } catch (error) {
        return [(error as Error).message, (error as { issues?: { field: string }[] }).issues?.[0]?.field];
      }
      return undefined;
    };
    expect(header('unitId;receivedAt;staff.polite')).toEqual([
      expect.stringContaining('this file uses semicolons'),
      'header',
    ]);
    expect(header('unitId,receivedAt,staff.polite,staff.polite')).toEqual([
      'the CSV header: column staff.polite appears twice',
      'header',
    ]);
    expect(header('UnitId,receivedAt,staff.polite')).toEqual([
      'the CSV header: column UnitId: write it unitId',
      'header',
    ]);
    expect(header('unitId,staff.polite,result.ontime')?.[0]).toContain('unitId and receivedAt are required');
  });
});
