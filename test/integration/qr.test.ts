import { readFileSync } from 'node:fs';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { QrKeysSchema, verifyCode } from '../../shared/qr/codes';
import { seedWard } from '../support/citizen';
import { call, startTestRuntime } from '../support/harness';

async function png(runtime: Runtime, path: string, token: string) {
  const response = await fetch(`${runtime.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    image: response.status === 200 ? PNG.sync.read(Buffer.from(await response.arrayBuffer())) : undefined,
  };
}

describe('QR codes and posters for officials', () => {
  let runtime: Runtime;
  let admin: string;
  let ward: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    admin = await runtime.token({ role: 'admin' });
    ward = await seedWard(runtime, admin);
    await call(runtime, 'PUT', '/v1/units/phuong-hoan-kiem', {
      token: admin,
      body: { name: 'Phường Hoàn Kiếm', level: 'ward', parentId: 'ha-noi' },
    });
    await call(runtime, 'PUT', '/v1/units/tinh-bac-ninh', {
      token: admin,
      body: { name: 'Tỉnh Bắc Ninh', level: 'province' },
    });
  });
  afterAll(() => runtime?.stop());

  it('renders a PNG of the requested size with a counter, which decodes to a signed URL for that counter', async () => {
    const { status, type, image } = await png(
      runtime,
      `/v1/units/${ward}/qr.png?counter=quay-3&size=300`,
      admin,
    );
    expect(status).toBe(200);
    expect(type).toBe('image/png');
    expect(image!.width).toBe(300);
    const url = jsQR(new Uint8ClampedArray(image!.data), image!.width, image!.height)!.data;
    expect(url.startsWith(`${runtime.url}/s/`)).toBe(true);
    const keys = QrKeysSchema.parse(JSON.parse(readFileSync(runtime.qrKeysFile, 'utf8')));
    expect(verifyCode(keys, url.slice(`${runtime.url}/s/`.length))).toMatchObject({
      unitId: ward,
      counter: 'quay-3',
    });
    expect((await call(runtime, 'GET', url.slice(runtime.url.length))).status).toBe(200);
  });

  it('refuses a bad counter or size with 400 naming the parameter', async () => {
    const counter = await call(runtime, 'GET', `/v1/units/${ward}/qr.png?counter=Qu%E1%BA%A7y%201`, {
      token: admin,
    });
    expect(counter.status).toBe(400);
    expect(counter.body.error.details[0].field).toBe('counter');
    const size = await call(runtime, 'GET', `/v1/units/${ward}/qr.png?size=99999`, { token: admin });
    expect(size.status).toBe(400);
    expect(size.body.error.details[0].field).toBe('size');
  });

  it('serves the SVG and a printable A4 poster with the unit, the URL in text and both languages', async () => {
    const svg = await call(runtime, 'GET', `/v1/units/${ward}/qr.svg`, { token: admin });
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.text).toMatch(/^<svg/);
    const poster = await call(runtime, 'GET', `/v1/units/${ward}/poster`, { token: admin });
    expect(poster.status).toBe(200);
    expect(poster.text).toContain('@page{size:A4');
    expect(poster.text).toContain('Phường Văn Miếu - Quốc Tử Giám');
    expect(poster.text).toContain('Quét mã để đánh giá');
    expect(poster.text).toContain('Scan the code to rate our service');
    expect(poster.text).toMatch(
      new RegExp(
        `class="url">${runtime.url.replace(/[.:/]/g, '\\$&')}/s/${ward}\\.\\d+\\.[A-Za-z0-9_-]{16}<`,
      ),
    );
  });

  it('prints the posters of a whole subtree in one document, one page per unit, nothing outside it', async () => {
    const batch = await call(runtime, 'GET', '/v1/units/ha-noi/posters', { token: admin });
    expect(batch.status).toBe(200);
    expect(batch.text.match(/<section class="poster">/g)).toHaveLength(3); // the city and its two wards
    expect(batch.text).toContain('break-after:page');
    expect(batch.text).toContain('Phường Hoàn Kiếm');
    expect(batch.text).not.toContain('Tỉnh Bắc Ninh');
  });

  it('keeps officials to their own area', async () => {
    const official = await runtime.token({ role: 'official', unitId: 'phuong-hoan-kiem' });
    expect((await call(runtime, 'GET', '/v1/units/ha-noi/posters', { token: official })).status).toBe(403);
    expect((await call(runtime, 'GET', `/v1/units/${ward}/qr.png`, { token: official })).status).toBe(403);
    expect(
      (await call(runtime, 'GET', '/v1/units/phuong-hoan-kiem/posters', { token: official })).status,
    ).toBe(200);
    expect((await call(runtime, 'GET', '/v1/units/ha-noi/posters')).status).toBe(401);
  });

  it('refuses a query the posters do not take, as the single poster does, naming it', async () => {
    const asked = await call(runtime, 'GET', '/v1/units/ha-noi/posters?counter=q1', { token: admin });
    expect(asked.status).toBe(400);
    expect(asked.body.error.details.map((d: { field: string }) => d.field)).toEqual(['counter']);
  });
});
