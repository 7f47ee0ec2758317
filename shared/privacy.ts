/**
 * Citizens sometimes type a phone number or their 12-digit citizen ID into a comment. Neither may
 * be stored: any run of 9 or more digits is masked before the comment is written. People group
 * digits in many ways ("0912 345 678", "0912.345.678", "(028) 3823 4567", "+84 - 912 - 345 678"),
 * so up to three spaces, dots, underscores, brackets or dashes of any kind (a phone keyboard turns
 * "-" into "–") may stand between two digits; digits are any script's (a phone keyboard may type
 * full-width ones). Nine digits is below every Vietnamese phone number (10 digits, or 9 after +84)
 * and above the amounts people write ("1.500.000 đồng"). Slashes and commas do not join digits:
 * "12/11/2026 10 giờ" is a date and an hour, and would be masked if they did.
 */
const LONG_NUMBER = /\+?\p{Nd}(?:[\s.()_\p{Pd}]{0,3}\p{Nd}){8,}/gu;
const NOT_DIGIT = /\P{Nd}/gu;

export function maskPersonalNumbers(text: string): string {
  return text.replace(LONG_NUMBER, (match) => '•'.repeat(Math.min(match.replace(NOT_DIGIT, '').length, 12)));
}
