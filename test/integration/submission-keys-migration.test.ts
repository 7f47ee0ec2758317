import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { signCode } from '../../shared/qr/codes';
import { createDb, putItem } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { backfillSubmissionMarkers } from '../../shared/store/migrations';
import { runtimeQrKeys, VALID_ANSWERS } from '../support/city';
import { call, startTestRuntime } from '../support/harness';

/**
 * Ratings stored before submission ids were keyed with their unit, as the earlier code left them,
 * and the backfill that lets today's code recognise their resends.
 */
describe('the submission-key backfill', () => {
  let runtime: Runtime;
  let admin: string;

  const old = (fields: Record<string, unknown>) => ({
    type: 'rating',
    instrument: 'sipas-2023',
    instrumentVersion: 1,
    day: '2025-06-10',
    receivedAt: '2025-06-10T03:00:00.000Z',
    lang: 'vi',
    answers: { 'staff.polite': 5 },
    ...fields,
  });

  beforeAll(async () => {
    runtime = await startTestRuntime();
    admin = await runtime.token({ role: 'admin' });
    await call(runtime, 'PUT', '/v1/units/w1', { token: admin, body: { name: 'Phường 1', level: 'ward' } });
    await call(runtime, 'PUT', '/v1/units/w2', { token: admin, body: { name: 'Phường 2', level: 'ward' } });
    const db = createDb(runtime.tableName);
    // an imported paper form, keyed by its serial alone
    await putItem(db, {
      Item: {
        PK: 'RATING#S#FORM-0001',
        SK: 'RATING',
        ...keys.ratingUnitDay('w1', '2025-06-10', '2025-06-10T03:00:00.000Z', '01OLDFORM0000000000000000A'),
        ...old({
          id: '01OLDFORM0000000000000000A',
          submissionId: 'FORM-0001',
          unitId: 'w1',
          source: 'import',
        }),
      },
    });
    // a dossier rating with the marker it left at its submission id (below), and one whose marker
    // was never written (the process died in between)
    for (const [dossier, submissionId, id, second] of [
      ['HS-OLD-1', 'phone-old-1', '01OLDDOSSIER00000000000000', '01'],
      ['HS-OLD-2', 'phone-old-2', '01OLDDOSSIER00000000000002', '02'],
    ] as const) {
      const receivedAt = `2025-06-10T03:00:${second}.000Z`;
      await putItem(db, {
        Item: {
          ...keys.ratingByDossier(dossier),
          ...keys.ratingUnitDay('w1', '2025-06-10', receivedAt, id),
          ...old({ id, submissionId, unitId: 'w1', dossier, source: 'survey', receivedAt }),
        },
      });
    }
    // a form stored the old way, then again the new way before the backfill's second run
    for (const [PK, id] of [
      ['RATING#S#FORM-0009', '01OLDFORM0000000000000009A'],
      ['RATING#S#w1#FORM-0009', '01NEWFORM0000000000000009B'],
    ] as const) {
      await putItem(db, {
        Item: {
          PK,
          SK: 'RATING',
          ...keys.ratingUnitDay('w1', '2025-06-10', '2025-06-10T03:00:09.000Z', id),
          ...old({
            id,
            submissionId: 'FORM-0009',
            unitId: 'w1',
            source: 'import',
            receivedAt: '2025-06-10T03:00:09.000Z',
          }),
        },
      });
    }
    await putItem(db, {
      Item: {
        PK: 'RATING#S#phone-old-1',
        SK: 'RATING',
        type: 'submission',
        id: '01OLDDOSSIER00000000000000',
        submissionId: 'phone-old-1',
        unitId: 'w1',
      },
    });
  });
  afterAll(() => runtime?.stop());

  it('writes a marker at today’s key for each, once, and the resends are then answered, not stored', async () => {
    const db = createDb(runtime.tableName);
    // FORM-0001, FORM-0009 and phone-old-1's marker; HS-OLD-1 and HS-OLD-2: three markers to write
    // (phone-old-1's once), and FORM-0009 stored twice, reported
    expect(await backfillSubmissionMarkers(db)).toEqual({ legacy: 3, dossiers: 2, written: 3, conflicts: 1 });
    expect(await backfillSubmissionMarkers(db)).toEqual({ legacy: 3, dossiers: 2, written: 0, conflicts: 1 });

    const form = {
      unitId: 'w1',
      receivedAt: '2025-06-10T03:00:00Z',
      submissionId: 'FORM-0001',
      answers: { 'staff.polite': 5 },
    };
    const imported = await call(runtime, 'POST', '/v1/ratings/import', {
      token: admin,
      body: { ratings: [form] },
    });
    expect(imported.body).toMatchObject({ accepted: 0, duplicates: 1 });

    const resend = await call(runtime, 'POST', '/v1/ratings', {
      body: {
        code: signCode(runtimeQrKeys(runtime), { unitId: 'w1' }),
        answers: VALID_ANSWERS,
        submissionId: 'phone-old-1',
      },
    });
    expect(resend.status).toBe(200);
    expect(resend.body).toEqual({ id: '01OLDDOSSIER00000000000000', duplicate: true });
    const unmarked = await call(runtime, 'POST', '/v1/ratings', {
      body: {
        code: signCode(runtimeQrKeys(runtime), { unitId: 'w1' }),
        answers: VALID_ANSWERS,
        submissionId: 'phone-old-2',
      },
    });
    expect(unmarked.body).toEqual({ id: '01OLDDOSSIER00000000000002', duplicate: true });
    // and another office's form 0001 is its own rating, which is what the new key is for
    const elsewhere = await call(runtime, 'POST', '/v1/ratings/import', {
      token: admin,
      body: { ratings: [{ ...form, unitId: 'w2' }] },
    });
    expect(elsewhere.body).toMatchObject({ accepted: 1, duplicates: 0 });

    // the night counts the ratings (w1's five, FORM-0009's two among them, and w2's one), not the markers
    const run = await call(runtime, 'POST', '/v1/aggregations', {
      token: admin,
      body: { from: '2025-06-10', to: '2025-06-10' },
    });
    expect(run.body.ratings).toBe(6);
  });
});
