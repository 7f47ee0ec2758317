import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  currentIndex,
  INSTRUMENTS_DIR,
  instrumentFiles,
  renderInstrumentIndex,
} from '../../../scripts/instrument-index';
import {
  DEFAULT_INSTRUMENT_ID,
  InstrumentRegistry,
  InstrumentSchema,
  instruments,
  itemIds,
} from '../../../shared/methodology/instruments';

describe('instruments as data', () => {
  it('loads every JSON file of the folder (run `npx tsx scripts/instrument-index.ts` after adding one)', () => {
    expect(currentIndex()).toBe(renderInstrumentIndex(instrumentFiles()));
    expect(instruments.ids().sort()).toEqual(instrumentFiles().map((file) => file.replace(/\.json$/, '')));
  });

  it.each(instrumentFiles())(
    '%s is a valid instrument named like its file, worded in Vietnamese and English',
    (file) => {
      const parsed = InstrumentSchema.safeParse(
        JSON.parse(readFileSync(join(INSTRUMENTS_DIR, file), 'utf8')),
      );
      expect(parsed.error).toBeUndefined();
      expect(`${parsed.data!.id}.json`).toBe(file);
    },
  );

  it('ships the three instruments of METHODOLOGY.md with their factor and item counts', () => {
    const shape = (id: string) => instruments.get(id)!.factors.map((f) => [f.id, f.items.length]);
    expect(DEFAULT_INSTRUMENT_ID).toBe('sipas-2023');
    expect(shape('sipas-2023')).toEqual([
      ['access', 3],
      ['procedure', 4],
      ['staff', 3],
      ['result', 3],
      ['feedback', 3],
    ]);
    expect(shape('sipas-2017')).toEqual([
      ['access', 4],
      ['procedure', 5],
      ['staff', 6],
      ['result', 3],
      ['feedback', 4],
    ]);
    expect(shape('counter-3')).toEqual([['overall', 1]]);
    expect(instruments.get('counter-3')!.scale).toMatchObject({ satisfiedFrom: 2 });
    expect(instruments.get('sipas-2023')!.scale.levels.map((l) => l.label.vi)).toEqual([
      'Rất không hài lòng',
      'Không hài lòng',
      'Bình thường',
      'Hài lòng',
      'Rất hài lòng',
    ]);
    expect(new Set(itemIds(instruments.get('sipas-2017')!)).size).toBe(22);
  });

  it('refuses a file that is not a valid instrument, naming it', () => {
    const broken = {
      ...JSON.parse(readFileSync(join(INSTRUMENTS_DIR, 'counter-3.json'), 'utf8')),
      id: 'broken-1',
    };
    broken.scale = { ...broken.scale, satisfiedFrom: 9 };
    expect(() => new InstrumentRegistry([broken])).toThrow(/broken-1/);
  });

  it('refuses one item asked on two scales, and one id defined twice', () => {
    const counter = JSON.parse(readFileSync(join(INSTRUMENTS_DIR, 'counter-3.json'), 'utf8'));
    const five = JSON.parse(readFileSync(join(INSTRUMENTS_DIR, 'sipas-2023.json'), 'utf8'));
    const clash = { ...five, id: 'clash', factors: [{ ...counter.factors[0] }] };
    expect(() => new InstrumentRegistry([counter, clash])).toThrow(/two different scales/);
    expect(() => new InstrumentRegistry([counter, counter])).toThrow(/defined twice/);
  });
});
