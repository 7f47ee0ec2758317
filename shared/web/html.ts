import { randomBytes } from 'node:crypto';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and attribute values. Everything from outside goes through this. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Security headers for our pages: no inline script without the page's nonce, nothing loaded from
 * elsewhere, no framing, no cookies set anywhere.
 */
export function pageHeaders(nonce: string): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
  };
}

export interface PageOptions {
  lang: 'vi' | 'en';
  title: string;
  body: string;
  nonce: string;
  script?: string;
  style?: string;
}

/** The shell of every server-rendered page: one response, inline CSS and JS, no fonts, no third parties. */
export function page({ lang, title, body, nonce, script, style }: PageOptions): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style nonce="${nonce}">${BASE_CSS}${style ?? ''}</style></head><body>${body}${script ? `<script nonce="${nonce}">${script}</script>` : ''}</body></html>`;
}

const BASE_CSS =
  ':root{--fg:#1a1a1a;--muted:#555;--accent:#0b5cad;--bg:#fff;--line:#c8c8c8;--bad:#b00020;--ok:#0a7a3d}' +
  '*{box-sizing:border-box}body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}' +
  'main{max-width:40rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;line-height:1.25;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}' +
  'a{color:var(--accent)}.muted{color:var(--muted)}.error{color:var(--bad)}button,.button{font:inherit;min-height:48px;padding:.6rem 1.2rem;border-radius:.5rem;border:2px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}' +
  ':focus-visible{outline:3px solid #f9a825;outline-offset:2px}';
