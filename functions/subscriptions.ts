import { SubscriptionId, SubscriptionInput } from '../shared/api/schemas';
import { principalFrom } from '../shared/auth/principal';
import { createDeps, type Deps } from '../shared/deps';
import { parseJson, pathParam, readBody } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { json, text } from '../shared/http/responses';
import { listSubscriptions, subscribe, unsubscribe } from '../shared/use-cases/subscriptions';

export function makeHandler(deps: Deps) {
  return httpHandler(async (event) => {
    const principal = principalFrom(event);
    if (event.routeKey === 'GET /v1/subscriptions')
      return json(200, await listSubscriptions(principal, deps));
    if (event.routeKey === 'DELETE /v1/subscriptions/{id}') {
      await unsubscribe(pathParam(event, 'id', SubscriptionId), principal, deps);
      return text(204, 'text/plain; charset=utf-8', '');
    }
    const { text: body } = readBody(event, ['json'], deps.config.MAX_BODY_BYTES);
    return json(201, await subscribe(SubscriptionInput.parse(parseJson(body)), principal, deps));
  });
}

export const handler = makeHandler(createDeps());
