import { buildOpenApi } from '../shared/api/openapi';
import { httpHandler } from '../shared/http/middy';
import { publicJson } from '../shared/http/responses';

const document = buildOpenApi();

export const handler = httpHandler(async () => publicJson(document));
