import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { createDeps, type Deps } from '../../shared/deps';
import type { Rating } from '../../shared/domain';
import { ConflictError } from '../../shared/errors';
import { closeDays } from '../../shared/use-cases/close-days';
import { putUnit } from '../../shared/use-cases/units';
import { call, createTestDeps, startTestRuntime } from '../support/harness';

const LEASE = 'aggregation';
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

async function rate(deps: Deps, day: string, levels: number[]) {
  for (const [i, level] of levels.entries()) {
    const rating: Rating = {
      id: `${day}-${i}`,
      submissionId: `lease-${day}-${i}`,
      unitId: 'a',
      receivedAt: `${day}T05:00:00.000Z`,
      day,
      instrument: 'sipas-2023',
      instrumentVersion: 1,
      answers: { 'staff.polite': level },
      lang: 'vi',
      source: 'survey',
    };
    await deps.ratings.store(rating);
  }
}

/**
 * Two aggregations at once would each build the month from the days the other had not stored
 * yet, and the last to write would win. closeDays takes a lease: a second run waits for it or is
 * refused (409 through the API), and a lease whose holder died frees itself.
 */
describe('one aggregation at a time', () => {
  let deps: Deps;

  beforeEach(async () => {
    deps = await createTestDeps({ policy: { minN: 1, peerMargin: 5 } });
    await putUnit('hn', { name: 'Hà Nội', level: 'city', parentId: null }, '/', deps);
    await putUnit('a', { name: 'Phường A', level: 'ward', parentId: 'hn' }, '/', deps);
    await rate(deps, '2026-04-01', [5, 5, 1]);
    await rate(deps, '2026-04-02', [4, 2, 2]);
  });

  it('runs two recomputes started together one after the other, so the month holds both days', async () => {
    // Each run's result writes are logged; the first holds its writes back for a while. A second
    // run that did not wait would write in that pause.
    const log: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const logging = (name: string, gate?: Promise<void>) =>
      Object.assign(Object.create(deps.results), {
        putOwnHistograms: async (...args: Parameters<Deps['results']['putOwnHistograms']>) => {
          await gate;
          log.push(name);
          return deps.results.putOwnHistograms(...args);
        },
        putSnapshots: async (...args: Parameters<Deps['results']['putSnapshots']>) => {
          await gate;
          log.push(name);
          return deps.results.putSnapshots(...args);
        },
      });
    const first = closeDays(['2026-04-01'], { ...deps, results: logging('first', held) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = closeDays(
      ['2026-04-02'],
      { ...deps, results: logging('second') },
      { waitForOtherRunMs: 30_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(log).toEqual([]);
    release();
    await Promise.all([first, second]);
    expect(log.indexOf('second')).toBe(log.lastIndexOf('first') + 1);
    // 5, 5, 1 and 4, 2, 2: 3 of 6 satisfied = 50
    expect(await deps.results.getSnapshot('a', '2026-04')).toMatchObject({ n: 6, index: 50 });
    expect(await deps.leases.held(LEASE, new Date())).toBe(false);
  });

  it('refuses a run while another holds the lease, and lets a waiting one go once it is given back', async () => {
    expect(await deps.leases.take(LEASE, 'other-run', new Date(), minutesFromNow(1))).toBe(true);
    expect(await deps.leases.held(LEASE, new Date())).toBe(true);
    await expect(closeDays(['2026-04-01'], deps)).rejects.toBeInstanceOf(ConflictError);
    expect(await deps.results.getSnapshot('a', '2026-04-01')).toBeUndefined();

    let finished = false;
    const waiting = closeDays(['2026-04-01'], deps, { waitForOtherRunMs: 30_000 }).then((summary) => {
      finished = true;
      return summary;
    });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(finished).toBe(false);
    await deps.leases.give(LEASE, 'other-run');
    expect((await waiting).ratings).toBe(3);
  });

  it('stops a run that lost its lease before its next period, and leaves the lease to the other run', async () => {
    // every renewal is answered "someone else has it", as after renewals failing for the lease's life
    let takes = 0;
    const losing = Object.assign(Object.create(deps.leases), {
      take: (...args: Parameters<Deps['leases']['take']>) => {
        takes += 1;
        return takes === 1 ? deps.leases.take(...args) : Promise.resolve(false);
      },
    });
    // slow writes, so that renewals come while the run is still between its periods
    const slow = Object.assign(Object.create(deps.results), {
      putSnapshots: async (...args: Parameters<Deps['results']['putSnapshots']>) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return deps.results.putSnapshots(...args);
      },
    });
    await expect(
      closeDays(
        ['2026-04-01'],
        { ...deps, leases: losing, results: slow },
        { lease: { lastsMs: 5_000, renewEveryMs: 50 } },
      ),
    ).rejects.toThrow(/another run took the aggregation lease/);
    expect(takes).toBeGreaterThan(1);
    // it stopped before the quarter and the year: nothing of theirs was written
    expect(await deps.results.getSnapshot('a', '2026-Q2')).toBeUndefined();
    expect(await deps.results.getSnapshot('a', '2026')).toBeUndefined();
  });

  it('takes over a lease whose holder stopped renewing it, and gives its own back when it fails', async () => {
    expect(await deps.leases.take(LEASE, 'dead-run', minutesFromNow(-10), minutesFromNow(-8))).toBe(true);
    expect((await closeDays(['2026-04-01'], deps)).ratings).toBe(3);

    const failing = {
      ...deps,
      results: Object.assign(Object.create(deps.results), {
        putSnapshots: () => Promise.reject(new Error('the database went away')),
      }),
    };
    await expect(closeDays(['2026-04-02'], failing)).rejects.toThrow('the database went away');
    expect(await deps.leases.held(LEASE, new Date())).toBe(false);
    expect((await closeDays(['2026-04-02'], deps)).ratings).toBe(3);
  });
});

describe('a recompute through the API while another runs', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startTestRuntime();
  });
  afterAll(() => runtime?.stop());

  it('answers 409 and computes nothing', async () => {
    const deps = createDeps();
    await deps.leases.take(LEASE, 'nightly-run', new Date(), minutesFromNow(1));
    const admin = await runtime.token({ role: 'admin' });
    const answer = await call(runtime, 'POST', '/v1/aggregations', {
      token: admin,
      body: { from: '2026-04-01', to: '2026-04-01' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toContain('another recompute');
    await deps.leases.give(LEASE, 'nightly-run');
    const after = await call(runtime, 'POST', '/v1/aggregations', {
      token: admin,
      body: { from: '2026-04-01', to: '2026-04-01' },
    });
    expect(after.status).toBe(200);
  });
});
