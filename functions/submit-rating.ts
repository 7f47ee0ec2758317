import { RatingSubmission } from '../shared/api/core-schemas';
import { type CoreDeps, createCoreDeps } from '../shared/core-deps';
import { mediaTypeOf, parseForm, parseJson, readBody } from '../shared/http/body';
import { toHttpError } from '../shared/http/errors-to-http';
import { httpHandler } from '../shared/http/middy';
import { html, json, redirect } from '../shared/http/responses';
import { businessMetrics } from '../shared/observability';
import { withCachedUnits } from '../shared/store/unit-cache';
import { submitRating } from '../shared/use-cases/ratings';
import { surveyFormAfterError } from '../shared/use-cases/survey';
import { citizenErrorPage } from '../shared/web/error-pages';
import { newNonce, pageHeaders } from '../shared/web/html';

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

/** Only the citizen's core dependencies (shared/core-deps.ts): a smaller bundle, a faster cold start. */
export function makeHandler(deps: CoreDeps) {
  const metrics = businessMetrics(deps.config);
  return httpHandler(
    async (event) => {
      const { kind, text } = readBody(event, ['json', 'form'], deps.config.MAX_BODY_BYTES);
      const client = { sourceIp: event.requestContext.http.sourceIp };
      if (kind === 'json') {
        const outcome = await submitRating(RatingSubmission.parse(parseJson(text)), deps, client);
        if (!outcome.duplicate) metrics.ratingStored();
        return json(outcome.duplicate ? 200 : 201, { id: outcome.id, duplicate: outcome.duplicate });
      }
      const fields = parseForm(text);
      try {
        const input = RatingSubmission.parse(submissionFromForm(fields));
        const outcome = await submitRating(input, deps, client);
        if (!outcome.duplicate) metrics.ratingStored();
        return redirect(`/s/${encodeURIComponent(input.code)}/thanks?lang=${input.lang ?? 'vi'}`);
      } catch (error) {
        const nonce = newNonce();
        const again = await surveyFormAfterError(fields, error, deps, nonce);
        if (!again) throw error;
        // Answered with the form again, not through the error handler: counted here instead.
        metrics.ratingRejected(toHttpError(error).code);
        return html(again.status, again.html, pageHeaders(nonce));
      }
    },
    {
      errorPage: (event, error) =>
        mediaTypeOf(event) === 'application/x-www-form-urlencoded'
          ? citizenErrorPage(event, error)
          : undefined,
      onRefused: (error) => metrics.ratingRejected(error.code),
    },
  );
}

export const handler = makeHandler(withCachedUnits(createCoreDeps()));
