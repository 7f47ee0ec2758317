import { ulid } from 'ulid';
import type { Deps } from '../../shared/deps';
import type { Rating } from '../../shared/domain';
import { closeDays } from '../../shared/use-cases/close-days';
import { putUnit } from '../../shared/use-cases/units';

/**
 * A small city whose every figure is worked out by hand in the tests (sipas-2023, answers to
 * staff.polite and result.ontime only, so each answered factor has exactly one item):
 *
 *   hn (Thành phố Hà Nội)
 *   ├─ phuc-xa  (Phường Phúc Xá)   May: 40 × (2, 2)            June: 40 ratings, polite 30×5 + 10×2, ontime 36×4 + 4×1
 *   ├─ ba-dinh  (Phường Ba Đình)   May: 40 × (5, 5)            June: 40 ratings, polite 40×5, ontime 20×5 + 20×3
 *   └─ ngoc-ha  (Phường Ngọc Hà)                               June: 10 × (5, 5)   (n < 30: insufficient)
 *   hcm (Thành phố Hồ Chí Minh)  — another root, outside an hn official's area
 */
export const MAY = '2025-05';
export const JUNE = '2025-06';
const MAY_DAY = '2025-05-10';
const JUNE_DAY = '2025-06-10';

export const COMMENTS = [
  'Cán bộ nhiệt tình, hướng dẫn rõ ràng',
  '=HYPERLINK("http://evil.example","bấm vào")',
  'Chờ lâu, "quá" lâu, 2 tiếng',
];

function rating(
  unitId: string,
  day: string,
  i: number,
  polite: number,
  ontime: number,
  extra: Partial<Rating> = {},
): Rating {
  // 10:00 Vietnam time on `day`, a second apart, so the order is fixed
  const receivedAt = new Date(Date.parse(`${day}T03:00:00.000Z`) + i * 1000).toISOString();
  return {
    id: ulid(Date.parse(receivedAt)),
    submissionId: `seed-${unitId}-${day}-${i}`,
    unitId,
    receivedAt,
    day,
    instrument: 'sipas-2023',
    instrumentVersion: 1,
    answers: { 'staff.polite': polite, 'result.ontime': ontime },
    lang: 'vi',
    source: 'import',
    ...extra,
  };
}

export async function seedCity(deps: Deps): Promise<void> {
  await putUnit(
    'hn',
    { name: 'Thành phố Hà Nội', nameEn: 'Hanoi', level: 'city', parentId: null },
    '/',
    deps,
  );
  await putUnit('hcm', { name: 'Thành phố Hồ Chí Minh', level: 'city', parentId: null }, '/', deps);
  for (const [id, name] of [
    ['phuc-xa', 'Phường Phúc Xá'],
    ['ba-dinh', 'Phường Ba Đình'],
    ['ngoc-ha', 'Phường Ngọc Hà'],
  ] as const) {
    await putUnit(id, { name, level: 'ward', parentId: 'hn' }, '/', deps);
  }
  await putUnit('ben-thanh', { name: 'Phường Bến Thành', level: 'ward', parentId: 'hcm' }, '/', deps);

  const ratings: Rating[] = [];
  for (let i = 0; i < 40; i++) {
    ratings.push(rating('phuc-xa', MAY_DAY, i, 2, 2));
    ratings.push(rating('ba-dinh', MAY_DAY, i, 5, 5));
    const extra: Partial<Rating> = {};
    if (i < COMMENTS.length) extra.comment = COMMENTS[i]!;
    if (i === 5) extra.flagged = 'burst';
    ratings.push(rating('phuc-xa', JUNE_DAY, i, i < 30 ? 5 : 2, i < 36 ? 4 : 1, extra));
    ratings.push(rating('ba-dinh', JUNE_DAY, i, 5, i < 20 ? 5 : 3));
    if (i < 10) ratings.push(rating('ngoc-ha', JUNE_DAY, i, 5, 5));
  }
  ratings.push(rating('ben-thanh', JUNE_DAY, 0, 5, 5, { comment: 'bí mật của HCM' }));
  for (const r of ratings) await deps.ratings.store(r);
  // May first, so June's ranks carry their change against May.
  await closeDays([MAY_DAY], deps);
  await closeDays([JUNE_DAY], deps);
}
