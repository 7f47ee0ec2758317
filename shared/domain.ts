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
}

export function pathOf(parentPath: string | null, unitId: string): string {
  return `${parentPath ?? '/'}${unitId}/`;
}

/** Whether `path` is the unit at `scopePath` or below it. */
export function isWithin(path: string, scopePath: string): boolean {
  return path.startsWith(scopePath);
}
