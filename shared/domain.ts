import type { AlertThresholds } from './alerts/rules';
import type { Answers } from './methodology/histogram';

/** A unit of the administrative tree: a city, a department, a ward or commune, a counter. */
export interface Unit {
  id: string;
  name: string;
  nameEn?: string;
  parentId: string | null;
  /** ids from the root, with a leading and trailing slash: /ha-noi/phuong-ba-dinh/ */
  path: string;
  /** free text (city, ward, commune, department, counter): the tree's levels are not hard-coded */
  level: string;
  instrument: string;
  /**
   * Set when the unit was merged into another (as Vietnam's communes were on 1 July 2025): it
   * leaves the tree that results are computed with, and its ratings, old and new, count for the
   * unit it was merged into from the next recompute on (docs/methodology.md, "Tree changes").
   */
  mergedInto?: string;
  /** this unit's own alert thresholds, over the city defaults (docs/alerts.md) */
  alertThresholds?: Partial<AlertThresholds>;
  mergedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export type Lang = 'vi' | 'en';

export type RatingSource = 'survey' | 'import';

/** One citizen's answers. No IP address or phone number is ever part of it. */
export interface Rating {
  id: string;
  submissionId: string;
  unitId: string;
  receivedAt: string;
  /** the Vietnam day of receivedAt */
  day: string;
  instrument: string;
  instrumentVersion: number;
  answers: Answers;
  counter?: string;
  procedure?: string;
  dossier?: string;
  comment?: string;
  lang: Lang;
  source: RatingSource;
  /** why the rating awaits an official's review (still stored and counted): e.g. `burst` */
  flagged?: string;
}

export function pathOf(parentPath: string | null, unitId: string): string {
  return `${parentPath ?? '/'}${unitId}/`;
}

/** Whether `path` is the unit at `scopePath` or below it. */
export function isWithin(path: string, scopePath: string): boolean {
  return path.startsWith(scopePath);
}

/**
 * The unit a unit's ratings count for: itself, or the end of its chain of merges (a chain forms
 * when a unit that others joined is merged in turn). `byId` holds the units the chain may pass.
 */
export function finalUnitId(unitId: string, byId: ReadonlyMap<string, Pick<Unit, 'mergedInto'>>): string {
  let current = unitId;
  for (let hops = 0; hops <= byId.size; hops++) {
    const next = byId.get(current)?.mergedInto;
    if (!next) return current;
    current = next;
  }
  throw new Error(`merges starting at ${unitId} form a cycle`);
}
