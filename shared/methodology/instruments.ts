import * as z from 'zod/mini';
import '../zod-locale';
import { INSTRUMENT_DATA } from './instruments/catalog';

const Text = z.object({ vi: z.string().check(z.minLength(1)), en: z.string().check(z.minLength(1)) });
const ItemId = z.string().check(z.regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/));
const PositiveInt = z.number().check(z.int(), z.positive());
const Level = z.number().check(z.int(), z.minimum(1));

export const InstrumentSchema = z
  .object({
    id: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,39}$/)),
    version: PositiveInt,
    name: Text,
    source: z.string(),
    scale: z.object({
      satisfiedFrom: Level,
      levels: z.array(z.object({ value: Level, label: Text })).check(z.minLength(2), z.maxLength(10)),
    }),
    factors: z
      .array(
        z.object({
          id: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)),
          name: Text,
          items: z.array(z.object({ id: ItemId, text: Text })).check(z.minLength(1)),
        }),
      )
      .check(z.minLength(1)),
  })
  .check(
    z.superRefine((instrument, ctx) => {
      const levels = instrument.scale.levels.map((level) => level.value);
      if (levels.some((value, i) => value !== i + 1)) {
        ctx.addIssue({ code: 'custom', path: ['scale', 'levels'], message: 'levels must be 1..k in order' });
      }
      if (instrument.scale.satisfiedFrom > levels.length) {
        ctx.addIssue({ code: 'custom', path: ['scale', 'satisfiedFrom'], message: 'beyond the scale' });
      }
      for (const factor of instrument.factors) {
        for (const item of factor.items) {
          if (!item.id.startsWith(`${factor.id}.`)) {
            ctx.addIssue({
              code: 'custom',
              path: ['factors'],
              message: `${item.id} is not in factor ${factor.id}`,
            });
          }
        }
      }
    }),
  );

export type Instrument = z.infer<typeof InstrumentSchema>;
export type LocalizedText = z.infer<typeof Text>;

/** What the formulas need to know about one item, whichever instrument asked it. */
export interface ItemScale {
  factorId: string;
  levels: number;
  satisfiedFrom: number;
  /** position in the order instruments list their items, for stable output */
  order: number;
}

export const DEFAULT_INSTRUMENT_ID = 'sipas-2023';

/**
 * The instruments this deployment knows. They are data: adding one is adding a JSON file that
 * passes InstrumentSchema. An item id names one question with one scale across every instrument
 * that asks it, which is what lets a parent pool children that use different instruments.
 */
export class InstrumentRegistry {
  private readonly byId = new Map<string, Instrument>();
  private readonly scales = new Map<string, ItemScale>();
  private readonly names = new Map<string, Instrument['name']>();

  constructor(instruments: readonly unknown[]) {
    // Items take their order from the default questionnaire first, then from the others in turn:
    // exports list their columns as a reader of today's form expects (catalog.ts is alphabetical,
    // which would put sipas-2017's order first).
    const isDefault = (raw: unknown) => (raw as { id?: unknown } | null)?.id === DEFAULT_INSTRUMENT_ID;
    for (const raw of [...instruments.filter(isDefault), ...instruments.filter((raw) => !isDefault(raw))]) {
      const parsed = InstrumentSchema.safeParse(raw);
      if (!parsed.success) {
        const id = (raw as { id?: unknown } | null)?.id;
        throw new Error(`instrument ${String(id)} is not valid: ${z.prettifyError(parsed.error)}`);
      }
      const instrument = parsed.data;
      // One file per instrument id: a new version replaces the file (and keeps item ids whose
      // question and scale are unchanged), so two files with one id are a mistake, not a history.
      if (this.byId.has(instrument.id)) throw new Error(`instrument ${instrument.id} is defined twice`);
      this.byId.set(instrument.id, instrument);
      for (const factor of instrument.factors) {
        if (!this.names.has(factor.id)) this.names.set(factor.id, factor.name);
        for (const item of factor.items) {
          if (!this.names.has(item.id)) this.names.set(item.id, item.text);
          const known = this.scales.get(item.id);
          const scale = {
            factorId: factor.id,
            levels: instrument.scale.levels.length,
            satisfiedFrom: instrument.scale.satisfiedFrom,
            order: known?.order ?? this.scales.size,
          };
          if (known && (known.levels !== scale.levels || known.satisfiedFrom !== scale.satisfiedFrom)) {
            throw new Error(`item ${item.id} is asked on two different scales`);
          }
          this.scales.set(item.id, scale);
        }
      }
    }
  }

  get(id: string): Instrument | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** A factor's or item's name in both languages, as the default questionnaire words it first. */
  name(id: string): Instrument['name'] | undefined {
    return this.names.get(id);
  }

  itemScale(itemId: string): ItemScale | undefined {
    return this.scales.get(itemId);
  }

  /** Item ids in the order the instruments list them (unknown ids last, by name). */
  sortItemIds(ids: readonly string[]): string[] {
    const order = (id: string) => this.scales.get(id)?.order ?? Number.MAX_SAFE_INTEGER;
    return [...ids].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  }
}

/** Every instrument file in shared/methodology/instruments/, validated when this module loads. */
export const instruments = new InstrumentRegistry(INSTRUMENT_DATA);

const itemIdsOf = new WeakMap<Instrument, readonly string[]>();

/**
 * The instrument's item ids in its own order. Instruments do not change once loaded, and the
 * nightly job asks for each unit's on every period (computeIndex, ratingsOn), so the list is
 * made once per instrument.
 */
export function itemIds(instrument: Instrument): readonly string[] {
  let ids = itemIdsOf.get(instrument);
  if (!ids) {
    ids = Object.freeze(instrument.factors.flatMap((factor) => factor.items.map((item) => item.id)));
    itemIdsOf.set(instrument, ids);
  }
  return ids;
}
