import type { Unit } from '../domain';
import { esc, page } from './html';
import { TEXT } from './i18n';

export interface PosterEntry {
  unit: Unit;
  url: string;
  svg: string;
}

/**
 * A4 in print: one poster per page (a batch breaks the page after each), black on white so a
 * cheap office printer keeps the code sharp, the QR code 120 mm wide (scans from well over a metre).
 */
const POSTER_CSS =
  '@page{size:A4 portrait;margin:12mm}body{background:#fff}' +
  '.poster{max-width:186mm;margin:0 auto;text-align:center;padding:8mm 0;break-inside:avoid}' +
  '.poster+.poster{border-top:1px dashed #999}.poster h1{font-size:2rem;margin:0 0 2mm}.poster .en{font-size:1.25rem;color:#333;margin:0}' +
  '.poster .unit{font-size:1.5rem;margin:6mm 0 0}.qr{width:120mm;max-width:100%;aspect-ratio:1;margin:4mm auto}.qr svg{width:100%;height:100%;display:block}' +
  '.url{font:1.15rem/1.4 ui-monospace,Menlo,Consolas,monospace;word-break:break-all;margin:1mm 0}' +
  '@media print{.poster{break-after:page;height:270mm;padding:0}.poster+.poster{border:0}.noprint{display:none}a{color:#000;text-decoration:none}}';

function posterSection({ unit, url, svg }: PosterEntry): string {
  return (
    `<section class="poster"><h1>${esc(TEXT.vi.posterInstruction)}</h1><p class="en" lang="en">${esc(TEXT.en.posterInstruction)}</p>` +
    `<p class="unit"><strong>${esc(unit.name)}</strong>${unit.nameEn ? `<br><span lang="en">${esc(unit.nameEn)}</span>` : ''}</p>` +
    `<div class="qr" role="img" aria-label="QR: ${esc(url)}">${svg}</div>` +
    `<p>${esc(TEXT.vi.posterFallback)} <span lang="en">/ ${esc(TEXT.en.posterFallback)}</span></p><p class="url">${esc(url)}</p></section>`
  );
}

/** A printable A4 poster: the unit, the code, the URL in text for those who cannot scan, both languages. */
export function renderPoster(input: PosterEntry & { nonce: string }): string {
  return page({
    lang: 'vi',
    title: `${input.unit.name} · QR`,
    nonce: input.nonce,
    style: POSTER_CSS,
    body: `<main>${posterSection(input)}</main>`,
  });
}

/** Posters for a whole subtree in one printable document, one A4 page per unit, in tree order. */
export function renderPosters(input: { root: Unit; posters: PosterEntry[]; nonce: string }): string {
  const heading = `<p class="noprint muted">${esc(TEXT.vi.posterBatchTitle)} · ${esc(input.root.name)} · ${input.posters.length}</p>`;
  return page({
    lang: 'vi',
    title: `${TEXT.vi.posterBatchTitle} · ${input.root.name}`,
    nonce: input.nonce,
    style: POSTER_CSS,
    body: `<main>${heading}${input.posters.map(posterSection).join('')}</main>`,
  });
}
