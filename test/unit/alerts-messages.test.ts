import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../shared/alerts/digest';
import { alertMessages, periodLabel, toAscii } from '../../shared/alerts/messages';
import type { RaisedAlert } from '../../shared/alerts/rules';
import { instruments } from '../../shared/methodology/instruments';
import type { Snapshot } from '../../shared/methodology/snapshots';

const alert: RaisedAlert = {
  unitId: 'phuc-xa',
  unitPath: '/hn/ba-dinh/phuc-xa/',
  unitName: 'Phường Phúc Xá',
  rule: 'significant-drop',
  severity: 'critical',
  period: '2025-03',
  figures: {
    index: 72.5,
    previousIndex: 85.25,
    previousPeriod: '2025-02',
    fall: 12.75,
    z: 3.1,
    n: 240,
    previousN: 300,
  },
};

describe('alert messages', () => {
  it('say who, what, the figures and where to look, in Vietnamese and English', () => {
    const { vi, en } = alertMessages(alert, 'https://sipas.example.vn/');
    expect(vi.body).toBe(
      'Cảnh báo khẩn: Phường Phúc Xá – chỉ số hài lòng giảm 12,75 điểm (tháng 03/2025).\n' +
        'Chỉ số hài lòng giảm từ 85,25 % (tháng 02/2025, 300 phiếu) xuống 72,50 % (240 phiếu), giảm 12,75 điểm; ' +
        'mức giảm có ý nghĩa thống kê ở mức 5 % (z = 3,1).\n' +
        'Xem chi tiết: https://sipas.example.vn/dashboard?unit=phuc-xa',
    );
    expect(en.body).toContain('fell from 85.25 % (February 2025, 300 ratings) to 72.50 %');
    expect(en.body).toContain('Details: https://sipas.example.vn/dashboard?unit=phuc-xa');
  });
  it('name a factor behind its peers as the questionnaire does, not by its id', () => {
    const behind: RaisedAlert = {
      ...alert,
      rule: 'below-peers',
      severity: 'warning',
      figures: {
        factor: 'staff',
        factorIndex: 61.5,
        peerAverage: 75,
        gap: 13.5,
        peers: 12,
        factorsBehind: 'staff, procedure',
      },
    };
    const { vi, en } = alertMessages(behind, undefined, (id) => instruments.name(id));
    expect(vi.body).toContain(
      'Nhóm tiêu chí "Công chức giải quyết công việc" đạt 61,50 %, thấp hơn 13,5 điểm so với trung bình 75,00 % của 12 đơn vị cùng cấp. ' +
        'Các nhóm thấp hơn: "Công chức giải quyết công việc", "Thủ tục hành chính".',
    );
    expect(en.body).toContain(
      `Factor "${instruments.name('staff')!.en}" is at 61.50 %, 13.5 points below the 75.00 % average of 12 sibling units.`,
    );
    expect(en.body).not.toMatch(/"staff"|"procedure"/);
    // a long name shortens the subject's headline, never its period
    const long = alertMessages(
      { ...behind, figures: { ...behind.figures, factor: 'feedback' } },
      undefined,
      (id) => instruments.name(id),
    );
    expect(long.vi.subject.length).toBeLessThanOrEqual(99);
    expect(long.vi.subject).toMatch(/\.\.\. \(thang 03\/2025\)$/);
    // an id no instrument knows stands as it is
    expect(
      alertMessages({ ...behind, figures: { ...behind.figures, factor: 'x-1' } }, undefined, () => undefined)
        .en.subject,
    ).toContain('"x-1"');
  });

  it('have ASCII subjects under 100 characters, as SNS e-mail requires', () => {
    const { vi } = alertMessages({ ...alert, unitName: 'Đặc khu Côn Đảo '.repeat(10) }, undefined);
    expect(vi.subject).toMatch(/^\[SIPAS\] Canh bao khan: Dac khu Con Dao/);
    expect(vi.subject.length).toBeLessThan(100);
    expect(vi.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(toAscii('Phường Giảng Võ')).toBe('Phuong Giang Vo');
    expect(toAscii('Quầy 1 – Phường Hoàn Kiếm')).toBe('Quay 1 Phuong Hoan Kiem');
  });
  it('name periods the way readers do', () => {
    expect(periodLabel('2025-03-10', 'vi')).toBe('ngày 10/03/2025');
    expect(periodLabel('2025-Q1', 'vi')).toBe('quý 1/2025');
    expect(periodLabel('2025', 'en')).toBe('2025');
  });
});

describe('weekly digest', () => {
  const child = (unitId: string, index: number, sufficient = true): Snapshot => ({
    unitId,
    parentId: 'ba-dinh',
    path: `/hn/ba-dinh/${unitId}/`,
    name: unitId,
    period: '2025-03',
    kind: 'month',
    instrument: 'sipas-2023',
    n: sufficient ? 100 : 10,
    index,
    ci95: [index - 5, index + 5],
    sufficient,
    factors: [],
    items: [],
    rank: null,
    belowPeers: [],
  });
  it('lists the best and worst ranked children and the biggest moves against last month', () => {
    const digest = buildDigest({
      scopeUnitId: 'ba-dinh',
      scopeName: 'Ba Đình',
      period: '2025-03',
      children: [
        child('a', 90),
        child('b', 85),
        child('c', 80),
        child('d', 70),
        child('e', 60),
        child('tiny', 100, false),
      ],
      previous: [
        { ...child('a', 80), period: '2025-02' },
        { ...child('e', 75), period: '2025-02' },
        { ...child('d', 70), period: '2025-02' },
      ],
      alerts: 2,
    });
    expect(digest.best.map((e) => e.unitId)).toEqual(['a', 'b', 'c']);
    expect(digest.worst.map((e) => e.unitId)).toEqual(['e', 'd']);
    // e: 60 − 75 = −15, a: 90 − 80 = +10, d unchanged (left out)
    expect(digest.moves.map((e) => [e.unitId, e.change])).toEqual([
      ['e', -15],
      ['a', 10],
    ]);
  });
});
