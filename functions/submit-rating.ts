import { RatingSubmission } from '../shared/api/schemas';
import { createDeps, type Deps } from '../shared/deps';
import { mediaTypeOf, parseForm, parseJson, readBody } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { json, redirect } from '../shared/http/responses';
import { submitRating } from '../shared/use-cases/ratings';
import { citizenErrorPage } from '../shared/web/error-pages';

/** The no-JavaScript form sends answers as a.<itemId>=<level>; everything else keeps its name. */
function submissionFromForm(fields: Record<string, string>): unknown {
  const answers: Record<string, number> = {};
  const rest: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith('a.')) answers[name.slice(2)] = value.trim() === '' ? Number.NaN : Number(value);
    else if (value.trim() !== '') rest[name] = value;
  }
  return { ...rest, answers };
}

export function makeHandler(deps: Deps) {
  return httpHandler(
    async (event) => {
      const { kind, text } = readBody(event, ['json', 'form'], deps.config.MAX_BODY_BYTES);
      const input = RatingSubmission.parse(kind === 'json' ? parseJson(text) : submissionFromForm(parseForm(text)));
      const outcome = await submitRating(input, deps);
      if (kind === 'form') return redirect(`/s/${encodeURIComponent(input.code)}/thanks?lang=${input.lang ?? 'vi'}`);
      return json(outcome.duplicate ? 200 : 201, { id: outcome.id, duplicate: outcome.duplicate });
    },
    {
      errorPage: (event, error) =>
        mediaTypeOf(event) === 'application/x-www-form-urlencoded' ? citizenErrorPage(event, error) : undefined,
    },
  );
}

export const handler = makeHandler(createDeps());
