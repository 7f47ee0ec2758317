import type { IncomingMessage } from 'node:http';
import { UnitId } from '../../shared/api/schemas';
import { esc, newNonce, page, pageHeaders } from '../../shared/web/html';
import { type DevKeys, signDevToken } from './dev-auth';
import type { LocalRoute } from './gateway';

/**
 * The development sign-in page, served only by the local runtime (never deployed): pick a role and,
 * for an official, a unit; the page mints a development ID token and hands it to the dashboard in
 * the URL fragment, which browsers never send to a server. The API then enforces the role exactly
 * as it does with a Cognito token.
 */
export const DEV_SIGN_IN_PATH = '/dev/sign-in';

/** Only a path on this site: an absolute or protocol-relative URL would make this an open redirect. */
function safeNext(value: string | null): string {
  return value && /^\/(?![/\\])/.test(value) ? value : '/dashboard';
}

function form(next: string, error?: string) {
  const nonce = newNonce();
  const body = page({
    lang: 'vi',
    title: 'Đăng nhập phát triển · Development sign-in',
    nonce,
    style:
      'label{display:block;font-weight:600;margin:.8rem 0 .2rem}input,select{font:inherit;padding:.4rem;width:100%}',
    body:
      `<main><h1>Đăng nhập phát triển <span lang="en">· Development sign-in</span></h1>` +
      `<p class="muted">Chỉ có trong môi trường chạy trên máy. <span lang="en">Local runtime only.</span></p>` +
      (error ? `<p class="error" role="alert">${esc(error)}</p>` : '') +
      `<form method="get" action="${DEV_SIGN_IN_PATH}"><input type="hidden" name="next" value="${esc(next)}">` +
      `<label for="role">Vai trò / Role</label><select id="role" name="role"><option value="official">official</option><option value="admin">admin</option></select>` +
      `<label for="unit">Mã đơn vị (với official) / Unit id (for an official)</label><input id="unit" name="unit" autocomplete="off">` +
      `<p><button type="submit">Đăng nhập / Sign in</button></p></form></main>`,
  });
  return {
    status: error ? 400 : 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...pageHeaders(nonce),
    },
    body,
  };
}

export function devSignInRoutes(keys: DevKeys): LocalRoute[] {
  return [
    {
      method: 'GET',
      path: DEV_SIGN_IN_PATH,
      handle: async (request: IncomingMessage) => {
        const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
        const next = safeNext(query.get('next'));
        const role = query.get('role');
        if (!role) return form(next);
        if (role !== 'admin' && role !== 'official') return form(next, 'role: admin or official');
        const unit = query.get('unit')?.trim() || undefined;
        if (role === 'official' && (!unit || !UnitId.safeParse(unit).success)) {
          return form(next, 'unit: an official needs a unit id (lowercase letters, digits and dashes)');
        }
        const token = await signDevToken(keys, { role, ...(role === 'official' ? { unitId: unit } : {}) });
        return {
          status: 303,
          headers: { location: `${next}#id_token=${encodeURIComponent(token)}`, 'cache-control': 'no-store' },
          body: '',
        };
      },
    },
  ];
}
