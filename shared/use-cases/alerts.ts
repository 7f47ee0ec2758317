import { alertMessages, snsMessage } from '../alerts/messages';
import {
  type AlertThresholds,
  evaluateRules,
  type RaisedAlert,
  rulesFor,
  SEVERITY_LEVEL,
  thresholdsFor,
} from '../alerts/rules';
import { type Principal, scopeOf, unitInScope } from '../auth/principal';
import { mapConcurrent } from '../concurrency';
import { isWithin, type Unit } from '../domain';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { logger } from '../logger';
import type { Histogram } from '../methodology/histogram';
import type { InstrumentRegistry } from '../methodology/instruments';
import {
  addDays,
  daysBetween,
  monthOf,
  type PeriodKind,
  previousPeriod,
  requireKind,
  vietnamDay,
} from '../methodology/periods';
import type { Snapshot } from '../methodology/snapshots';
import type { Alert, AlertsRepository } from '../store/alerts-repo';
import { keys } from '../store/keys';
import type { ResultsRepository } from '../store/results-repo';
import type { UnitsRepository } from '../store/units-repo';
import { type AlertsTopic, type BatchOutcome, PUBLISH_BATCH_LIMIT, type TopicMessage } from './alerts-topic';

export interface AlertSettings {
  /** city defaults; a unit's `alertThresholds` override them */
  thresholds: AlertThresholds;
  /** a sent alert nobody acknowledged within this many hours is escalated to the parent's subscribers */
  ackTimeoutHours: number;
  /** where the dashboard is, for the link in every message */
  dashboardBaseUrl: string | undefined;
  /** how long a run may hold an alert while it publishes it */
  leaseSeconds: number;
  /** the period kinds the period rules are evaluated on (ALERT_PERIODS); the spike rule runs on days */
  periodKinds: readonly PeriodKind[];
}

export interface AlertDeps {
  units: UnitsRepository;
  results: ResultsRepository;
  alerts: AlertsRepository;
  topic: AlertsTopic;
  registry: InstrumentRegistry;
  clock: () => Date;
  settings: AlertSettings;
}

export interface AlertRunSummary {
  raised: number;
  recorded: number;
  sent: number;
  failed: number;
  escalated: number;
}

/**
 * Per day period, by unit: the answer counts dissatisfaction-spike compares, pooled over each
 * unit's subtree (the nightly job has them from the own histograms it already reads).
 */
export interface DaySpikeInputs {
  day: ReadonlyMap<string, Histogram>;
  trailing: ReadonlyMap<string, Histogram>;
}

/** The parent's path of a unit path: /hn/ba-dinh/phuc-xa/ → /hn/ba-dinh/; null for a root. */
export function parentPathOf(path: string): string | null {
  const segments = path.split('/').filter(Boolean);
  return segments.length <= 1 ? null : `/${segments.slice(0, -1).join('/')}/`;
}

/**
 * Evaluates the rules over freshly built snapshots (period → the whole tree's snapshots), records
 * each alert once per (unit, rule, period), then works the outbox: publishes what is pending
 * (including what an earlier run failed to send) and escalates what nobody acknowledged in time.
 */
export async function raiseAlerts(
  snapshotsByPeriod: ReadonlyMap<string, readonly Snapshot[]>,
  deps: AlertDeps,
  /**
   * What the caller (the nightly job) already holds: the whole tree, and per period the stored
   * snapshots of the previous period, so that neither is read a second time.
   */
  known: {
    units?: readonly Unit[];
    previous?: ReadonlyMap<string, readonly Snapshot[]>;
    /** by day period; a day without them raises no dissatisfaction-spike */
    spike?: ReadonlyMap<string, DaySpikeInputs>;
  } = {},
): Promise<AlertRunSummary> {
  const units = known.units ?? (await deps.units.subtree('/'));
  const overrides = new Map(units.map((unit) => [unit.id, unit.alertThresholds]));
  const scaleOf = (itemId: string) => deps.registry.itemScale(itemId);
  const raised: RaisedAlert[] = [];
  for (const [period, snapshots] of snapshotsByPeriod) {
    const rules = rulesFor(requireKind(period), deps.settings.periodKinds);
    if (snapshots.length === 0 || rules.length === 0) continue;
    // Only a sufficient snapshot is compared with its previous one (significantDrop).
    const previous = new Map(
      (
        known.previous?.get(period) ??
        (await deps.results.getSnapshots(
          snapshots.filter((s) => s.sufficient).map((s) => s.unitId),
          previousPeriod(period),
        ))
      ).map((s) => [s.unitId, s] as const),
    );
    const siblingsOf = new Map<string, Snapshot[]>();
    for (const snapshot of snapshots) {
      const key = snapshot.parentId ?? '';
      const siblings = siblingsOf.get(key);
      if (siblings) siblings.push(snapshot);
      else siblingsOf.set(key, [snapshot]);
    }
    const spike = known.spike?.get(period);
    const perUnit = snapshots.map((snapshot) => {
      const thresholds = thresholdsFor(deps.settings.thresholds, overrides.get(snapshot.unitId));
      const day = spike?.day.get(snapshot.unitId);
      const trailing = spike?.trailing.get(snapshot.unitId);
      return evaluateRules({
        snapshot,
        previous: previous.get(snapshot.unitId),
        siblings: siblingsOf.get(snapshot.parentId ?? '') ?? [],
        ...(snapshot.kind === 'day' && day && trailing ? { spike: { day, trailing } } : {}),
        scaleOf,
        thresholds,
        rules,
      });
    });
    raised.push(...perUnit.flat());
  }

  const now = deps.clock();
  const createdAt = now.toISOString();
  // Recorded already leased to this run, which publishes them next (see recordOnce).
  const claimedUntil = new Date(now.getTime() + deps.settings.leaseSeconds * 1000).toISOString();
  const claimed = new Set<string>();
  await mapConcurrent(raised, 8, async (alert) => {
    const id = keys.alertId(alert.unitId, alert.rule, alert.period);
    const recorded = await deps.alerts.recordOnce(
      {
        ...alert,
        id,
        parentPath: parentPathOf(alert.unitPath),
        severityLevel: SEVERITY_LEVEL[alert.severity],
        messages: alertMessages(alert, deps.settings.dashboardBaseUrl, (id) => deps.registry.name(id)),
        createdAt,
      },
      claimedUntil,
    );
    if (recorded) claimed.add(id);
  });
  const outbox = await processOutbox(deps, claimed);
  return { raised: raised.length, recorded: claimed.size, ...outbox };
}

function alertMessage(alert: Alert): TopicMessage {
  return {
    ...snsMessage(alert.messages),
    attributes: {
      unitPath: alert.unitPath,
      rule: alert.rule,
      severity: alert.severity,
      severityLevel: alert.severityLevel,
      alertId: alert.id,
    },
  };
}

function escalationMessage(alert: Alert, parentPath: string, hours: number): TopicMessage {
  const { vi, en } = alert.messages;
  return {
    subject: `[SIPAS] Chuyen cap tren: ${vi.subject.replace(/^\[SIPAS\] /, '')}`.slice(0, 99),
    message:
      `Chuyển lên cấp trên: cảnh báo sau chưa được xác nhận xử lý sau ${hours} giờ.\n${vi.body}\n\n` +
      `Escalated: nobody acknowledged this alert within ${hours} hours.\n${en.body}`,
    attributes: {
      unitPath: parentPath,
      rule: alert.rule,
      severity: alert.severity,
      severityLevel: alert.severityLevel,
      escalatedFrom: alert.unitPath,
      alertId: alert.id,
    },
  };
}

const OUTBOX_CONCURRENCY = 8;
const BATCHES_IN_FLIGHT = 4;

/**
 * Publishes pending alerts and escalates overdue ones. Each send is: take the lease (conditional),
 * publish, record the result (conditional). A failed publish gives the lease back and leaves the
 * alert pending for the next run. Only a crash between a successful publish and its record can
 * send twice, after the lease has run out: SNS has no exactly-once publish to lean on. Every
 * message carries the alert's id (`alertId`), so a subscriber that must not act twice can tell.
 */
export async function processOutbox(
  deps: AlertDeps,
  /** alerts this run recorded already leased to itself (raiseAlerts): published without a claim */
  claimedByThisRun: ReadonlySet<string> = new Set(),
): Promise<Omit<AlertRunSummary, 'raised' | 'recorded'>> {
  const now = deps.clock();
  const nowIso = now.toISOString();
  const until = new Date(now.getTime() + deps.settings.leaseSeconds * 1000).toISOString();
  let sent = 0;
  let failed = 0;
  let escalated = 0;

  // Alerts are independent of each other (each has its own lease): the ones this run holds are
  // published ten to a PublishBatch, a few batches at a time, and each is then recorded as sent
  // or given back on its own.
  const held = (
    await mapConcurrent(await deps.alerts.pending(), OUTBOX_CONCURRENCY, async (alert) =>
      claimedByThisRun.has(alert.id) || (await deps.alerts.claim(alert.id, nowIso, until))
        ? alert
        : undefined,
    )
  ).filter((alert): alert is Alert => alert !== undefined);
  const batches = Array.from({ length: Math.ceil(held.length / PUBLISH_BATCH_LIMIT) }, (_, i) =>
    held.slice(i * PUBLISH_BATCH_LIMIT, (i + 1) * PUBLISH_BATCH_LIMIT),
  );
  await mapConcurrent(batches, BATCHES_IN_FLIGHT, async (batch) => {
    let outcomes: BatchOutcome[];
    try {
      outcomes = await deps.topic.publishBatch(batch.map(alertMessage));
    } catch (error) {
      outcomes = batch.map(() => ({ published: false, error: (error as Error).name }));
    }
    await mapConcurrent(batch, OUTBOX_CONCURRENCY, async (alert, i) => {
      const outcome = outcomes[i]!;
      if (outcome.published) {
        if (await deps.alerts.markSent(alert.id, nowIso)) sent += 1;
        return;
      }
      failed += 1;
      logger.warn('alert not published; it stays pending', { alertId: alert.id, error: outcome.error });
      await deps.alerts.release(alert.id);
    });
  });

  const hours = deps.settings.ackTimeoutHours;
  const cutoff = new Date(now.getTime() - hours * 3600_000).toISOString();
  await mapConcurrent(await deps.alerts.unackedSentBefore(cutoff), OUTBOX_CONCURRENCY, async (alert) => {
    if (alert.ackedAt || alert.escalatedAt) {
      await deps.alerts.settle(alert.id);
      return;
    }
    // Escalated to the unit's parent of today: after a move, its superiors are the new ones.
    const unit = await deps.units.get(alert.unitId);
    const parentPath = unit ? parentPathOf(unit.path) : alert.parentPath;
    if (!parentPath) {
      await deps.alerts.settle(alert.id);
      return;
    }
    if (!(await deps.alerts.claim(alert.id, nowIso, until))) return;
    try {
      const from = unit ? { ...alert, unitPath: unit.path } : alert;
      await deps.topic.publish(escalationMessage(from, parentPath, hours));
    } catch (error) {
      failed += 1;
      logger.warn('escalation not published; it is retried next run', {
        alertId: alert.id,
        error: (error as Error).name,
      });
      await deps.alerts.release(alert.id);
      return;
    }
    if (await deps.alerts.markEscalated(alert.id, nowIso)) escalated += 1;
  });
  if (sent + failed + escalated > 0) logger.info('alerts outbox worked', { sent, failed, escalated });
  return { sent, failed, escalated };
}

/** What officials see of an alert. */
export function alertView(alert: Alert) {
  return {
    id: alert.id,
    unitId: alert.unitId,
    unitPath: alert.unitPath,
    unitName: alert.unitName,
    rule: alert.rule,
    severity: alert.severity,
    severityLevel: alert.severityLevel,
    period: alert.period,
    figures: alert.figures,
    messages: { vi: alert.messages.vi.body, en: alert.messages.en.body },
    createdAt: alert.createdAt,
    status: alert.status,
    sentAt: alert.sentAt ?? null,
    ackedAt: alert.ackedAt ?? null,
    ackedBy: alert.ackedBy ?? null,
    ackNote: alert.ackNote ?? null,
    escalatedAt: alert.escalatedAt ?? null,
  };
}

export const MAX_ALERT_DAYS = 366;
const DEFAULT_ALERT_DAYS = 30;

/**
 * Alerts raised between two Vietnam days (both included) for a unit's subtree, newest first.
 * Without a unit, the caller's whole area; without dates, the last 30 days.
 */
export async function listAlerts(
  query: { unit?: string; from?: string; to?: string },
  principal: Principal,
  deps: Pick<AlertDeps, 'units' | 'alerts' | 'clock'>,
) {
  const path = query.unit
    ? (await unitInScope(query.unit, principal, deps.units)).path
    : await scopeOf(principal, deps.units);
  const to = query.to ?? vietnamDay(deps.clock());
  const from = query.from ?? addDays(to, -(DEFAULT_ALERT_DAYS - 1));
  if (from > to)
    throw new ValidationError('from: must not be after to', [
      { field: 'from', message: 'must not be after to' },
    ]);
  const days = daysBetween(from, to);
  if (days.length > MAX_ALERT_DAYS) {
    throw new ValidationError(`to: at most ${MAX_ALERT_DAYS} days at a time`, [
      { field: 'to', message: `at most ${MAX_ALERT_DAYS} days` },
    ]);
  }
  const months = [...new Set(days.map(monthOf))];
  const found = (await mapConcurrent(months, 4, (month) => deps.alerts.ofMonthUnder(month, path))).flat();
  return found
    .filter((alert) => {
      const day = vietnamDay(alert.createdAt);
      return day >= from && day <= to;
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
    .map(alertView);
}

/**
 * Acknowledges an alert of the caller's area with a note; the first acknowledgement stands. After
 * a move, the alert is in two areas: where it was raised (whose officials list it) and where the
 * unit is now (whose officials get its escalation). Either may acknowledge it.
 */
export async function acknowledgeAlert(
  id: string,
  note: string,
  principal: Principal,
  deps: Pick<AlertDeps, 'units' | 'alerts' | 'clock'>,
) {
  const [alert, scope] = await Promise.all([deps.alerts.get(id), scopeOf(principal, deps.units)]);
  // As unitInScope: an official learns nothing of alerts outside their area, not even whether
  // one exists (alert ids are guessable: unit.rule.period); only an administrator gets 404.
  if (!alert && principal.role !== 'admin') throw new ForbiddenError('this alert is outside your area');
  if (!alert) throw new NotFoundError(`no alert ${id}`);
  const unitPath = (await deps.units.get(alert.unitId))?.path ?? alert.unitPath;
  if (!isWithin(alert.unitPath, scope) && !isWithin(unitPath, scope))
    throw new ForbiddenError('this alert is outside your area');
  if (!(await deps.alerts.acknowledge(id, principal.subject, note, deps.clock().toISOString()))) {
    throw new ConflictError('this alert has already been acknowledged');
  }
  return alertView((await deps.alerts.get(id))!);
}
