import { AckInput, AlertId, AlertsQuery } from '../shared/api/schemas';
import { principalFrom } from '../shared/auth/principal';
import { createDeps, type Deps } from '../shared/deps';
import { parseJson, pathParam, queryParams, readBody } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { json } from '../shared/http/responses';
import { acknowledgeAlert, listAlerts } from '../shared/use-cases/alerts';

export function makeHandler(deps: Deps) {
  return httpHandler(async (event) => {
    const principal = principalFrom(event);
    if (event.routeKey === 'GET /v1/alerts') {
      return json(200, await listAlerts(queryParams(event, AlertsQuery), principal, deps.alerting));
    }
    const id = pathParam(event, 'id', AlertId);
    const { text } = readBody(event, ['json'], deps.config.MAX_BODY_BYTES);
    const { note } = AckInput.parse(parseJson(text));
    return json(200, await acknowledgeAlert(id, note, principal, deps.alerting));
  });
}

export const handler = makeHandler(createDeps());
