import { MalformedBodyError, ValidationError } from '../errors';

/**
 * Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF, an optional BOM) into rows.
 * Spaces around a quoted field are left out (`a, "b"`); a quote anywhere but around a whole field
 * (`ab"c`, `"ab"c`) is refused, not guessed at.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let closed = false;
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const stray = () =>
    new MalformedBodyError(
      `the CSV has a quote inside a field in record ${rows.length + 1}: quote the whole field, and double the quotes inside it`,
    );
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        closed = true;
      } else field += c;
      continue;
    }
    if (closed && (c === ' ' || c === '\t')) continue;
    if (closed && c !== ',' && c !== '\n' && c !== '\r') throw stray();
    closed = false;
    if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === '"') throw stray();
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new MalformedBodyError('the CSV has an unclosed quote');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((cell) => cell !== ''));
}

function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  // A leading =, +, - or @ would run as a formula in a spreadsheet: prefix it so it stays text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

const RATING_COLUMNS = new Set([
  'unitId',
  'receivedAt',
  'submissionId',
  'counter',
  'dossier',
  'procedure',
  'comment',
  'lang',
]);

/**
 * Ratings from a CSV import: a header row naming unitId, receivedAt, the optional fields, and one
 * column per item id; an empty cell is no answer. Cells are passed on as text or numbers, and the
 * rating schema validates them exactly as it validates JSON.
 */
export function ratingsFromCsv(text: string): unknown[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new MalformedBodyError('the CSV is empty');
  const names = header.map((name) => name.trim());
  checkHeader(names);
  return rows.map((cells) => {
    const rating: Record<string, unknown> = {};
    const answers: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const cell = (cells[i] ?? '').trim();
      if (cell === '') return;
      if (RATING_COLUMNS.has(name)) rating[name] = cell;
      else answers[name] = /^-?\d+$/.test(cell) ? Number(cell) : cell;
    });
    if (cells.length > names.length) rating.extraCells = cells.slice(names.length);
    rating.answers = answers;
    return rating;
  });
}

/** A header whose columns would be misread is refused, naming the column, before any row is read. */
function checkHeader(names: readonly string[]): void {
  const refuse = (message: string) => {
    throw new ValidationError(`the CSV header: ${message}`, [{ field: 'header', message }]);
  };
  if (names.length === 1 && names[0]!.includes(';')) {
    refuse(
      'columns must be separated by commas; this file uses semicolons (in Excel: Save As, "CSV UTF-8 (comma delimited)")',
    );
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') continue;
    if (seen.has(name)) refuse(`column ${name} appears twice`);
    seen.add(name);
    const column = [...RATING_COLUMNS].find((known) => known.toLowerCase() === name.toLowerCase());
    if (column && column !== name) refuse(`column ${name}: write it ${column}`);
  }
  if (!seen.has('unitId') || !seen.has('receivedAt'))
    refuse('the columns unitId and receivedAt are required');
}
