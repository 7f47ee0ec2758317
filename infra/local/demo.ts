import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { mapConcurrent } from '../../shared/concurrency';
import type { Deps } from '../../shared/deps';
import type { Rating } from '../../shared/domain';
import { type Instrument, itemIds } from '../../shared/methodology/instruments';
import { addDays, daysBetween, vietnamDay } from '../../shared/methodology/periods';
import { closeDays } from '../../shared/use-cases/close-days';
import { putUnit } from '../../shared/use-cases/units';
import { PROJECT_ROOT } from './runtime';

/** The reference data beside the project: Vietnam's provinces and Hanoi's wards and communes. */
export interface ReferenceUnits {
  provinces: { id: string; name: string; code: string }[];
  hanoi: {
    id: string;
    code: string;
    units: { id: string; name: string; type: 'ward' | 'commune'; code: string }[];
  };
}

export function loadReferenceUnits(): ReferenceUnits {
  const file = join(PROJECT_ROOT, '..', 'shared', 'data', 'vn-units-2025.json');
  const fallback = join(PROJECT_ROOT, 'test', 'fixtures', 'vn-units-2025.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = readFileSync(fallback, 'utf8');
  }
  return JSON.parse(text) as ReferenceUnits;
}

/** A small deterministic PRNG (mulberry32), so the demo city is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plausible answer: level drawn around a unit's quality q (0..1), sometimes "not applicable". */
export function drawLevel(random: () => number, q: number, levels: number): number {
  if (random() < 0.05) return 0;
  const r = random();
  if (levels === 3) return r < q * 0.45 ? 3 : r < q ? 2 : 1;
  if (r < q * 0.45) return 5;
  if (r < q) return 4;
  if (r < q + (1 - q) * 0.5) return 3;
  if (r < q + (1 - q) * 0.8) return 2;
  return 1;
}

export function drawAnswers(random: () => number, instrument: Instrument, q: number): Record<string, number> {
  const answers: Record<string, number> = {};
  const levels = instrument.scale.levels.length;
  for (const itemId of itemIds(instrument)) answers[itemId] = drawLevel(random, q, levels);
  // At least one answer on the scale, as every real rating has.
  if (Object.values(answers).every((level) => level === 0)) answers[itemIds(instrument)[0]!] = levels;
  return answers;
}

export interface DemoSummary {
  units: number;
  ratings: number;
  from: string;
  to: string;
  surveyUnitId: string;
}

/**
 * Seeds a demo city: Hà Nội, 30 of its wards and communes, two counters on the quick 3-level
 * form, and four weeks of ratings whose quality differs by unit, then closes those days.
 */
export async function seedDemo(deps: Deps, today: string = vietnamDay(new Date())): Promise<DemoSummary> {
  const reference = loadReferenceUnits();
  const random = seededRandom(20250701);
  const scope = '/';
  await putUnit(
    'ha-noi',
    { name: 'Thành phố Hà Nội', nameEn: 'Hanoi', level: 'city', parentId: null },
    scope,
    deps,
  );
  const communes = reference.hanoi.units.slice(0, 30);
  for (const unit of communes) {
    await putUnit(unit.id, { name: unit.name, level: unit.type, parentId: 'ha-noi' }, scope, deps);
  }
  const counters = [
    { id: 'hoan-kiem-quay-1', name: 'Quầy 1 – Phường Hoàn Kiếm', parent: communes[0]!.id },
    { id: 'hoan-kiem-quay-2', name: 'Quầy 2 – Phường Hoàn Kiếm', parent: communes[0]!.id },
  ];
  for (const counter of counters) {
    await putUnit(
      counter.id,
      { name: counter.name, level: 'counter', parentId: counter.parent, instrument: 'counter-3' },
      scope,
      deps,
    );
  }

  const rated = [...communes.map((u) => u.id), ...counters.map((c) => c.id)];
  const quality = new Map(rated.map((id) => [id, 0.7 + random() * 0.27]));
  const to = addDays(today, -1);
  const from = addDays(to, -27);
  const ratings: Rating[] = [];
  for (const day of daysBetween(from, to)) {
    for (const unitId of rated) {
      const unit = (await deps.units.get(unitId))!;
      const instrument = deps.registry.get(unit.instrument)!;
      const count = 3 + Math.floor(random() * 12);
      for (let i = 0; i < count; i++) {
        // Office hours, 7:30 to 17:00 Vietnam time, are 00:30 to 10:00 UTC.
        const minutes = 30 + Math.floor(random() * 570);
        const receivedAt = new Date(Date.parse(`${day}T00:00:00Z`) + minutes * 60_000);
        ratings.push({
          id: ulid(receivedAt.getTime()),
          submissionId: `demo-${day}-${unitId}-${i}`,
          unitId,
          receivedAt: receivedAt.toISOString(),
          day: vietnamDay(receivedAt),
          instrument: instrument.id,
          instrumentVersion: instrument.version,
          answers: drawAnswers(random, instrument, quality.get(unitId)!),
          lang: random() < 0.9 ? 'vi' : 'en',
          source: 'survey',
        });
      }
    }
  }
  await mapConcurrent(ratings, 32, (rating) => deps.ratings.store(rating));
  // `npm start` may be running the nightly job on its schedule at this moment: take turns.
  await closeDays(daysBetween(from, to), deps, { waitForOtherRunMs: 10 * 60_000 });
  return {
    units: 1 + communes.length + counters.length,
    ratings: ratings.length,
    from,
    to,
    surveyUnitId: communes[0]!.id,
  };
}
