import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { maskPersonalNumbers } from '../../shared/privacy';
import { signCode } from '../../shared/qr/codes';
import { runtimeQrKeys, seedCity, VALID_ANSWERS } from '../support/city';
import { call, startTestRuntime } from '../support/harness';
import { captureLogs, type LogCapture } from '../support/log-capture';
import { scanAll } from '../support/table-scan';

/**
 * DESIGN.md, storage: raw ratings store no IP address and no phone number; the logger never
 * receives source addresses or citizens' text. Checked on everything stored and every log line
 * written while real requests go through the gateway.
 */
const PLANTED_IP = '203.0.113.77';
const PHONES = ['0912 345 678', '+84 912345678', '0987.654.321', '(028) 3823 4567', '091-234-5678'];
const CITIZEN_ID = '001099012345';
/** the digits a reader could recover from each, whatever separators were typed */
const SECRET_DIGITS = ['912345678', '987654321', '38234567', '912345678', '2345678', '001099012345'];

const digitsOf = (text: string) => text.replace(/\D/g, '');

describe('privacy', () => {
  let runtime: Runtime;
  let capture: LogCapture;

  beforeAll(async () => {
    capture = captureLogs();
    runtime = await startTestRuntime();
  });
  afterAll(async () => {
    capture?.stop();
    await runtime?.stop();
  });

  it('stores and logs no IP address and no phone or citizen ID number', async () => {
    const admin = await runtime.token({ role: 'admin' });
    await seedCity(runtime, admin, 'pv', 1);
    const code = signCode(runtimeQrKeys(runtime), { unitId: 'pv-w1' });
    const comment = `Cán bộ nhiệt tình. Gọi tôi ${PHONES.join(' hoặc ')}, CCCD ${CITIZEN_ID}.`;
    const spoofed = { 'x-forwarded-for': PLANTED_IP, 'x-real-ip': PLANTED_IP };

    const json = await call(runtime, 'POST', '/v1/ratings', {
      headers: spoofed,
      body: { code, answers: VALID_ANSWERS, comment },
    });
    expect(json.status).toBe(201);
    const form = new URLSearchParams({ code, 'a.staff.polite': '4', comment, lang: 'vi' }).toString();
    const viaForm = await call(runtime, 'POST', '/v1/ratings', {
      headers: { ...spoofed, 'content-type': 'application/x-www-form-urlencoded' },
      raw: form,
    });
    expect(viaForm.status).toBe(303);
    const imported = await call(runtime, 'POST', '/v1/ratings/import', {
      token: admin,
      headers: spoofed,
      body: {
        ratings: [
          {
            unitId: 'pv-w1',
            receivedAt: new Date(Date.now() - 60_000).toISOString(),
            answers: VALID_ANSWERS,
            comment,
          },
        ],
      },
    });
    expect(imported.body.accepted).toBe(1);
    // refusals are logged too: a forged code, a bad body, an unknown route
    expect(
      (
        await call(runtime, 'POST', '/v1/ratings', {
          headers: spoofed,
          body: { code: `${code.slice(0, -2)}AA`, answers: VALID_ANSWERS, comment },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call(runtime, 'POST', '/v1/ratings', {
          headers: spoofed,
          body: { code, answers: { nope: 9 }, comment },
        })
      ).status,
    ).toBe(400);
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    expect(
      (
        await call(runtime, 'POST', '/v1/aggregations', {
          token: admin,
          headers: spoofed,
          body: { from: today, to: today },
        })
      ).status,
    ).toBe(200);

    const items = await scanAll(runtime.dynamoEndpoint, runtime.tableName);
    const ratings = items.filter((item) => item.type === 'rating');
    expect(ratings).toHaveLength(3);
    for (const rating of ratings) {
      // the comment is kept, with the numbers masked
      expect(rating.comment).toMatch(/^Cán bộ nhiệt tình\. Gọi tôi •{9,12}/);
      expect(rating.comment).toContain('CCCD ••••••••••••');
    }
    const stored = items.map((item) => JSON.stringify(item));
    const logs = capture.lines();
    // the test saw the handlers' logs at all (the capture works): every request logs at least once
    expect(logs.some((line) => line.includes('"service":"sipas"'))).toBe(true);
    for (const [where, texts] of [
      ['stored items', stored],
      ['log lines', logs],
    ] as const) {
      for (const text of texts) {
        expect(text, where).not.toContain(PLANTED_IP);
        // loopback is the source address of every request here; it may appear only in a URL (host:port)
        expect(text.replace(/127\.0\.0\.1:\d+/g, ''), where).not.toMatch(/\b(?:\d{1,3}\.){3}\d{1,3}\b/);
        for (const phone of [...PHONES, CITIZEN_ID]) expect(text, where).not.toContain(phone);
        // and no comment survives in a log line at all
        if (where === 'log lines') expect(text).not.toContain('nhiệt tình');
      }
    }
    // digits split by separators, checked per stored string value
    for (const rating of ratings) {
      for (const secret of SECRET_DIGITS) expect(digitsOf(String(rating.comment))).not.toContain(secret);
    }
  });
});

describe('masking personal numbers', () => {
  it('masks the ways people write Vietnamese phone numbers and citizen IDs', () => {
    expect(maskPersonalNumbers('gọi 0912 345 678 nhé')).toBe('gọi •••••••••• nhé');
    expect(maskPersonalNumbers('+84 912345678')).toBe('•••••••••••');
    expect(maskPersonalNumbers('CCCD: 001099012345.')).toBe('CCCD: ••••••••••••.');
    expect(maskPersonalNumbers('(028) 3823 4567')).toBe('(•••••••••••');
    expect(maskPersonalNumbers('０９１２３４５６７８')).toBe('••••••••••');
    // amounts and dates stay readable
    expect(maskPersonalNumbers('lệ phí 1.500.000 đồng, hẹn 12/03/2025 lúc 10:30')).toBe(
      'lệ phí 1.500.000 đồng, hẹn 12/03/2025 lúc 10:30',
    );
  });

  it('leaves no run of 7 digits of any generated phone number, however it is grouped', () => {
    const prefix = fc.constantFrom('0', '+84', '84', '+84 ', '(+84) ', '0084 ');
    const mobile = fc
      .tuple(fc.constantFrom('3', '5', '7', '8', '9'), fc.stringMatching(/^\d{8}$/))
      .map(([a, b]) => a + b);
    const separator = fc.constantFrom('', ' ', '.', '-', ' - ', '  ', '\u00a0');
    const grouping = fc.constantFrom([3, 3, 3], [2, 3, 4], [4, 5], [9], [3, 2, 2, 2]);
    fc.assert(
      fc.property(
        prefix,
        mobile,
        separator,
        grouping,
        fc.string({ maxLength: 10 }),
        (p, digits, sep, groups, around) => {
          const parts: string[] = [];
          let at = 0;
          for (const size of groups) {
            parts.push(digits.slice(at, at + size));
            at += size;
          }
          const written = `${around.replace(/\d/g, '')} ${p}${parts.join(sep)} ${around.replace(/\d/g, '')}`;
          const masked = maskPersonalNumbers(written);
          // what is left of the number: at most the country code's digits
          return (
            !digitsOf(masked).includes(digits.slice(0, 7)) && !digitsOf(masked).includes(digits.slice(-7))
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
