import { describe, expect, it } from 'vitest';
import { maskPersonalNumbers } from '../../shared/privacy';

describe('masking personal numbers in comments', () => {
  it.each([
    ['gọi 0912345678 nhé', 'gọi •••••••••• nhé'],
    ['số 0912 345 678', 'số ••••••••••'],
    ['+84 912.345.678', '•••••••••••'],
    ['CCCD 001203004567', 'CCCD ••••••••••••'],
    // a phone keyboard's dashes, and underscores
    ['0912–345–678', '••••••••••'],
    ['0912 — 345 — 678', '••••••••••'],
    ['0912_345_678', '••••••••••'],
  ])('masks %s', (input, expected) => {
    expect(maskPersonalNumbers(input)).toBe(expected);
  });

  it('keeps short numbers such as counters, dates and amounts', () => {
    expect(maskPersonalNumbers('quầy 3, ngày 12/11/2026, phí 50.000 đồng')).toBe(
      'quầy 3, ngày 12/11/2026, phí 50.000 đồng',
    );
    expect(maskPersonalNumbers('đến 12/11/2026 10 giờ, chờ 45 phút')).toBe(
      'đến 12/11/2026 10 giờ, chờ 45 phút',
    );
  });
});
