import type { Unit } from '../domain';
import { esc, page } from './html';
import { TEXT } from './i18n';

/** A printable A4 poster: the unit, the code, the URL in text for those who cannot scan, both languages. */
export function renderPoster(input: { unit: Unit; url: string; svg: string; nonce: string }): string {
  const { unit, url, svg } = input;
  return page({
    lang: 'vi',
    title: `${unit.name} · QR`,
    nonce: input.nonce,
    style:
      '@page{size:A4;margin:15mm}body{background:#fff}.poster{max-width:180mm;margin:0 auto;text-align:center;padding:10mm 0}' +
      '.poster h1{font-size:2rem}.poster .en{font-size:1.25rem;color:#333}.qr{width:120mm;height:120mm;margin:6mm auto}.qr svg{width:100%;height:100%}' +
      '.url{font:1.1rem/1.4 ui-monospace,monospace;word-break:break-all}@media print{a{color:#000;text-decoration:none}}',
    body: `<main class="poster"><h1>${esc(TEXT.vi.posterInstruction)}</h1><p class="en" lang="en">${esc(TEXT.en.posterInstruction)}</p><p class="unit"><strong>${esc(unit.name)}</strong>${unit.nameEn ? `<br><span lang="en">${esc(unit.nameEn)}</span>` : ''}</p><div class="qr" role="img" aria-label="QR: ${esc(url)}">${svg}</div><p>${esc(TEXT.vi.posterFallback)} <span lang="en">/ ${esc(TEXT.en.posterFallback)}</span></p><p class="url">${esc(url)}</p></main>`,
  });
}
