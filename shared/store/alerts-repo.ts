import * as z from 'zod';
import { RULE_IDS } from '../alerts/rules';
import { parseInternal } from '../errors';
import { monthOf, vietnamDay } from '../methodology/periods';
import {
  type Db,
  getItem,
  type Item,
  isConditionFailed,
  putItem,
  queryAll,
  type UpdateInput,
  updateItem,
  withAvailability,
} from './dynamo';
import { keys } from './keys';

const Text = z.object({ subject: z.string(), body: z.string() });

const AlertItem = z.object({
  id: z.string(),
  unitId: z.string(),
  unitPath: z.string(),
  unitName: z.string(),
  /** the parent's path when the alert was raised: where an escalation goes (null for a root) */
  parentPath: z.string().nullable(),
  rule: z.enum(RULE_IDS as [string, ...string[]]),
  severity: z.enum(['info', 'warning', 'critical']),
  severityLevel: z.number().int(),
  period: z.string(),
  figures: z.record(z.string(), z.union([z.number(), z.string()])),
  messages: z.object({ vi: Text, en: Text }),
  createdAt: z.string(),
  status: z.enum(['pending', 'sent']),
  sentAt: z.string().optional(),
  ackedAt: z.string().optional(),
  ackedBy: z.string().optional(),
  ackNote: z.string().optional(),
  escalatedAt: z.string().optional(),
});

export type Alert = z.infer<typeof AlertItem>;

function toAlert(item: Item): Alert {
  return parseInternal(AlertItem, item, 'a stored alert');
}

/**
 * Alerts and their outbox. An alert's key is its (unit, rule, period), so recording it is one
 * conditional PutItem that a re-run cannot repeat. Its GSI1 entry says what is still to be done
 * with it, and disappears when nothing is: ALERTS#PENDING until published, ALERTS#UNACKED until
 * acknowledged or escalated. Publishing is guarded by a lease (claimedUntil), taken with a
 * conditional update, so two runs at once never both send the same alert.
 */
export class AlertsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores a new alert as pending; false if this (unit, rule, period) already has one. With
   * `claimedUntil`, it is stored already leased to the caller, who publishes it next without a
   * claim of its own (one UpdateItem less per alert); if the caller dies, the lease runs out and
   * the next run's outbox takes it, exactly as after a claim.
   */
  recordOnce(alert: Omit<Alert, 'status'>, claimedUntil?: string): Promise<boolean> {
    return withAvailability(async () => {
      try {
        await putItem(this.db, {
          Item: {
            ...keys.alert(alert.id),
            GSI1PK: keys.alertsPending,
            GSI1SK: `${alert.createdAt}#${alert.id}`,
            GSI2PK: keys.alertsOfMonth(monthOf(vietnamDay(alert.createdAt))),
            GSI2SK: `${alert.unitPath}${alert.createdAt}#${alert.id}`,
            type: 'alert',
            ...alert,
            status: 'pending',
            ...(claimedUntil ? { claimedUntil } : {}),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        });
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    });
  }

  get(id: string): Promise<Alert | undefined> {
    return withAvailability(async () => {
      const item = await getItem(this.db, { Key: keys.alert(id) });
      return item ? toAlert(item) : undefined;
    });
  }

  pending(): Promise<Alert[]> {
    return withAvailability(async () =>
      (
        await queryAll(this.db, {
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.alertsPending },
        })
      ).map(toAlert),
    );
  }

  /** Sent, unacknowledged, unescalated alerts sent at or before `sentBefore`. */
  unackedSentBefore(sentBefore: string): Promise<Alert[]> {
    return withAvailability(async () =>
      (
        await queryAll(this.db, {
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :cutoff',
          ExpressionAttributeValues: { ':pk': keys.alertsUnacked, ':cutoff': `${sentBefore}#\uffff` },
        })
      ).map(toAlert),
    );
  }

  /**
   * Takes the right to send an alert (or its escalation) until `until`: refused while another
   * run holds an unexpired lease. A run that dies holding it leaves the alert to be retried once
   * the lease ends.
   */
  claim(id: string, now: string, until: string): Promise<boolean> {
    return this.conditionalUpdate({
      Key: keys.alert(id),
      UpdateExpression: 'SET claimedUntil = :until',
      ConditionExpression:
        'attribute_exists(PK) AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)',
      ExpressionAttributeValues: { ':until': until, ':now': now },
    });
  }

  /** Gives a lease back after a failed publish, so the next run retries at once. */
  release(id: string): Promise<boolean> {
    return this.conditionalUpdate({
      Key: keys.alert(id),
      UpdateExpression: 'REMOVE claimedUntil',
      ConditionExpression: 'attribute_exists(PK)',
    });
  }

  /** pending → sent, once; the alert then waits for an acknowledgement. */
  markSent(id: string, sentAt: string): Promise<boolean> {
    return this.conditionalUpdate({
      Key: keys.alert(id),
      UpdateExpression:
        'SET #status = :sent, sentAt = :at, GSI1PK = :unacked, GSI1SK = :sk REMOVE claimedUntil',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':sent': 'sent',
        ':pending': 'pending',
        ':at': sentAt,
        ':unacked': keys.alertsUnacked,
        ':sk': `${sentAt}#${id}`,
      },
    });
  }

  /** Records the escalation, once, and only of an alert nobody has acknowledged. */
  markEscalated(id: string, at: string): Promise<boolean> {
    return this.conditionalUpdate({
      Key: keys.alert(id),
      UpdateExpression: 'SET escalatedAt = :at REMOVE GSI1PK, GSI1SK, claimedUntil',
      ConditionExpression: 'attribute_not_exists(escalatedAt) AND attribute_not_exists(ackedAt)',
      ExpressionAttributeValues: { ':at': at },
    });
  }

  /** Takes an alert off the escalation list without escalating it (acknowledged, or no parent). */
  settle(id: string): Promise<boolean> {
    return this.conditionalUpdate({
      Key: keys.alert(id),
      UpdateExpression: 'REMOVE GSI1PK, GSI1SK, claimedUntil',
      ConditionExpression: 'GSI1PK = :unacked',
      ExpressionAttributeValues: { ':unacked': keys.alertsUnacked },
    });
  }

  /**
   * The first acknowledgement wins and later ones are refused (false). A pending alert stays in
   * the outbox: it is still sent, so subscribers learn of it, but will not be escalated.
   */
  acknowledge(id: string, by: string, note: string, at: string): Promise<boolean> {
    return this.conditionalUpdate({
      Key: keys.alert(id),
      UpdateExpression: 'SET ackedAt = :at, ackedBy = :by, ackNote = :note',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(ackedAt)',
      ExpressionAttributeValues: { ':at': at, ':by': by, ':note': note },
    });
  }

  /** Alerts raised in `month` (YYYY-MM, Vietnam time) for units at or below `path`. */
  ofMonthUnder(month: string, path: string): Promise<Alert[]> {
    return withAvailability(async () =>
      (
        await queryAll(this.db, {
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :path)',
          ExpressionAttributeValues: { ':pk': keys.alertsOfMonth(month), ':path': path },
        })
      ).map(toAlert),
    );
  }

  private conditionalUpdate(input: UpdateInput): Promise<boolean> {
    return withAvailability(async () => {
      try {
        await updateItem(this.db, input);
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    });
  }
}
