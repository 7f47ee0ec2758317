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
});
