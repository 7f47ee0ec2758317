import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { signCode } from '../../shared/qr/codes';
import { createDb, deleteItem } from '../../shared/store/dynamo';
import { keys as tableKeys } from '../../shared/store/keys';
import { runtimeQrKeys, seedCity, VALID_ANSWERS } from '../support/city';
import { call, startTestRuntime } from '../support/harness';
import { recordItems, scanAll } from '../support/table-scan';

/**
 * DESIGN.md: a forged or altered QR code is refused; a dossier code can be rated once; one source
 * sending many ratings is refused past its limit (429 with Retry-After) and its bursts on one unit
 * are flagged for review (shared/use-cases/rate-limit.ts: 30 a window, flagged after 3 per unit).
 */
describe('abuse', () => {
  let runtime: Runtime;
  let admin: string;
  let keys: ReturnType<typeof runtimeQrKeys>;
  const ratingCount = async () =>
    recordItems(await scanAll(runtime.dynamoEndpoint, runtime.tableName)).filter((i) => i.type === 'rating')
      .length;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    admin = await runtime.token({ role: 'admin' });
    await seedCity(runtime, admin, 'ab', 3);
    keys = runtimeQrKeys(runtime);
  });
  afterAll(() => runtime?.stop());

  it('refuses a code whose unit, counter or key version was changed, and stores nothing', async () => {
    const plain = signCode(keys, { unitId: 'ab-w1' });
    const withCounter = signCode(keys, { unitId: 'ab-w1', counter: 'c1' });
    const [, version, mac] = plain.split('.');
    const tampered = [
      plain.replace('ab-w1', 'ab-w2'), // another unit, same signature
      withCounter.replace('~c1', '~c2'), // another counter
      withCounter.replace('~c1', ''), // the counter removed
      `ab-w1~c9.${version}.${mac}`, // a counter added
      `${plain.slice(0, -1)}${plain.endsWith('A') ? 'B' : 'A'}`, // one character of the MAC
    ];
    const before = await ratingCount();
    for (const code of tampered) {
      const response = await call(runtime, 'POST', '/v1/ratings', { body: { code, answers: VALID_ANSWERS } });
      expect([code, response.status, response.body.error.code]).toEqual([code, 400, 'invalid_input']);
      expect(response.body.error.details).toContainEqual({
        field: 'code',
        message: 'signature does not match',
      });
      const page = await call(runtime, 'GET', `/s/${encodeURIComponent(code)}`);
      expect(page.status).toBe(400);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    }
    // a key version that was never issued is unknown
    const unknownVersion = await call(runtime, 'POST', '/v1/ratings', {
      body: { code: plain.replace(`.${version}.`, '.77.'), answers: VALID_ANSWERS },
    });
    expect(unknownVersion.status).toBe(404);
    // the counter in the body must be the one the code was printed for
    const otherCounter = await call(runtime, 'POST', '/v1/ratings', {
      body: { code: withCounter, counter: 'c2', answers: VALID_ANSWERS },
    });
    expect(otherCounter.status).toBe(400);
    expect(otherCounter.body.error.details.map((d: { field: string }) => d.field)).toEqual(['counter']);
    expect(await ratingCount()).toBe(before);
  });

  it('takes a dossier code once: a replay is 409, in any letter case, from any unit', async () => {
    const first = await call(runtime, 'POST', '/v1/ratings', {
      body: {
        code: signCode(keys, { unitId: 'ab-w1' }),
        answers: VALID_ANSWERS,
        dossier: 'HS-2025/000123',
        submissionId: 'dossier-first-1',
      },
    });
    expect(first.status).toBe(201);
    const before = await ratingCount();
    for (const [unitId, dossier, submissionId] of [
      ['ab-w1', 'HS-2025/000123', 'dossier-replay-1'],
      ['ab-w1', 'hs-2025/000123', 'dossier-replay-2'],
      ['ab-w2', ' HS-2025/000123 ', 'dossier-replay-3'],
    ] as const) {
      const replay = await call(runtime, 'POST', '/v1/ratings', {
        body: { code: signCode(keys, { unitId }), answers: VALID_ANSWERS, dossier, submissionId },
      });
      expect([dossier, replay.status, replay.body.error.code]).toEqual([dossier, 409, 'conflict']);
    }
    // the same submission sent again is not a replay but a retry: the same rating back
    const retry = await call(runtime, 'POST', '/v1/ratings', {
      body: {
        code: signCode(keys, { unitId: 'ab-w1' }),
        answers: VALID_ANSWERS,
        dossier: 'HS-2025/000123',
        submissionId: 'dossier-first-1',
      },
    });
    expect(retry.body).toEqual({ id: first.body.id, duplicate: true });
    expect(await ratingCount()).toBe(before);
  });

  it('answers a submission sent again with its dossier added or taken away with the rating it made', async () => {
    const send = (submissionId: string, dossier?: string) =>
      call(runtime, 'POST', '/v1/ratings', {
        body: {
          code: signCode(keys, { unitId: 'ab-w1' }),
          answers: VALID_ANSWERS,
          submissionId,
          ...(dossier ? { dossier } : {}),
        },
      });
    // a citizen sends the form, goes back, types the dossier code from the receipt, sends again
    const first = await send('edited-1');
    expect(first.status).toBe(201);
    const before = await ratingCount();
    expect((await send('edited-1', 'HS-2025/000777')).body).toEqual({ id: first.body.id, duplicate: true });
    // and the other way round
    const withDossier = await send('edited-2', 'HS-2025/000778');
    expect(withDossier.status).toBe(201);
    expect((await send('edited-2')).body).toEqual({ id: withDossier.body.id, duplicate: true });
    expect(await ratingCount()).toBe(before + 1);
    // the dossier added in the first resend was not taken: it can still be rated, once
    expect((await send('edited-3', 'HS-2025/000777')).status).toBe(201);

    // A rating stored, and the process gone before its marker: the retry with the dossier writes
    // it, and a resend without the dossier after that is the same rating.
    const lost = await send('edited-4', 'HS-2025/000779');
    await deleteItem(createDb(runtime.tableName), { Key: tableKeys.ratingBySubmission('ab-w1', 'edited-4') });
    expect((await send('edited-4', 'HS-2025/000779')).body).toEqual({ id: lost.body.id, duplicate: true });
    expect((await send('edited-4')).body).toEqual({ id: lost.body.id, duplicate: true });
    expect(await ratingCount()).toBe(before + 3);

    // a submission id another office used (a form serial number in an import) is not this one
    const elsewhere = await call(runtime, 'POST', '/v1/ratings', {
      body: {
        code: signCode(keys, { unitId: 'ab-w2' }),
        answers: VALID_ANSWERS,
        submissionId: 'serial-0001',
      },
    });
    expect(elsewhere.status).toBe(201);
    const here = await send('serial-0001', 'HS-2025/000780');
    expect(here.status).toBe(201);
    expect(here.body.id).not.toBe(elsewhere.body.id);
    // nor without a dossier: the citizen's rating is stored, and no other office's id handed out
    const plain = await send('serial-0001');
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual({ id: here.body.id, duplicate: true });
    // ab-w1's edited-1, without a dossier, sent from another office's poster
    const other = await call(runtime, 'POST', '/v1/ratings', {
      body: { code: signCode(keys, { unitId: 'ab-w2' }), answers: VALID_ANSWERS, submissionId: 'edited-1' },
    });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('refuses a burst from one source past its limit with 429 and Retry-After, and flags its ratings of one unit', async () => {
    const code = signCode(keys, { unitId: 'ab-w3' });
    // The limit counts in fixed 10-minute windows of the real clock: start clear of a window's end,
    // so the whole burst falls in one window.
    const untilNextWindow = 600_000 - (Date.now() % 600_000);
    if (untilNextWindow < 30_000) await new Promise((resolve) => setTimeout(resolve, untilNextWindow + 100));
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    // every request here comes from 127.0.0.1; the earlier tests' valid submissions count too
    for (let i = 0; i < 60 && !refused; i++) {
      const response = await call(runtime, 'POST', '/v1/ratings', {
        body: { code, answers: VALID_ANSWERS, submissionId: `burst-${String(i).padStart(4, '0')}` },
      });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(refused, `statuses: ${statuses.join(' ')}`).toBeDefined();
    expect(refused!.body.error.code).toBe('rate_limited');
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(statuses.slice(0, -1).every((status) => status === 201)).toBe(true);

    const stored = (await scanAll(runtime.dynamoEndpoint, runtime.tableName)).filter(
      (i) => i.type === 'rating' && i.unitId === 'ab-w3',
    );
    // refused ones are not stored; past the third rating of this unit from this source, each is flagged
    expect(stored).toHaveLength(statuses.length - 1);
    expect(stored.filter((r) => r.flagged === undefined)).toHaveLength(3);
    expect(stored.filter((r) => r.flagged === 'burst')).toHaveLength(stored.length - 3);
  }, 120_000);
});
