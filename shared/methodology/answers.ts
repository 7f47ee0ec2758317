import type { FieldIssue } from '../errors';
import type { Answers } from './histogram';
import { type Instrument, itemIds } from './instruments';

/**
 * Checks answers against an instrument (METHODOLOGY.md, "Answers"): known items only, levels on
 * the scale or 0 for "not applicable", at least one answer on the scale. Nothing is clamped.
 * Zeros are kept: the histogram counts them as "not applicable", outside the item's n.
 */
export function checkAnswers(answers: Answers, instrument: Instrument): FieldIssue[] {
  const known = new Set(itemIds(instrument));
  const top = instrument.scale.levels.length;
  const issues: FieldIssue[] = [];
  let onScale = 0;
  for (const [itemId, level] of Object.entries(answers)) {
    if (!known.has(itemId)) {
      issues.push({ field: `answers.${itemId}`, message: `not an item of ${instrument.id}` });
    } else if (!Number.isInteger(level) || level < 0 || level > top) {
      issues.push({ field: `answers.${itemId}`, message: `must be 1 to ${top}, or 0 for not applicable` });
    } else if (level > 0) {
      onScale++;
    }
  }
  if (issues.length === 0 && onScale === 0) {
    issues.push({ field: 'answers', message: 'answer at least one item' });
  }
  return issues;
}
