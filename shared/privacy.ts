/**
 * Citizens sometimes type a phone number or their 12-digit citizen ID into a comment. Neither may
 * be stored: any run of 9 or more digits (allowing the spaces, dots and dashes people type between
 * groups, and a leading +) is masked before the comment is written.
 */
const LONG_NUMBER = /\+?\d(?:[\s.-]?\d){8,}/g;

export function maskPersonalNumbers(text: string): string {
  return text.replace(LONG_NUMBER, (match) => '•'.repeat(Math.min(match.replace(/\D/g, '').length, 12)));
}
