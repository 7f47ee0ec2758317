import type { Snapshot } from '../../shared/methodology/snapshots';

/** A month snapshot of a sufficient ward; tests override only the figures they are about. */
export function aSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    unitId: 'phuc-xa',
    parentId: 'ba-dinh',
    path: '/hn/ba-dinh/phuc-xa/',
    name: 'Phường Phúc Xá',
    period: '2025-03',
    kind: 'month',
    instrument: 'sipas-2023',
    n: 100,
    index: 70,
    ci95: [60, 78],
    sufficient: true,
    factors: [],
    items: [],
    rank: null,
    belowPeers: [],
    ...overrides,
  };
}
