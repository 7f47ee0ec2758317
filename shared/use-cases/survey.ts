import { $ZodError } from 'zod/v4/core';
import type { Unit } from '../domain';
import { ConflictError, type FieldIssue, fieldIssues, NotFoundError, ValidationError } from '../errors';
import type { Instrument, InstrumentRegistry } from '../methodology/instruments';
import { type QrKeys, type VerifiedCode, verifyCode } from '../qr/codes';
import type { UnitsRepository } from '../store/units-repo';
import { langOf, TEXT } from '../web/i18n';
import { citizenMessages, renderSurveyPage } from '../web/survey-page';

export interface SurveyDeps {
  units: UnitsRepository;
  registry: InstrumentRegistry;
  qrKeys: () => Promise<QrKeys>;
  newId: () => string;
}

export interface OpenSurvey {
  target: VerifiedCode;
  unit: Unit;
  instrument: Instrument;
}

/** What a QR code opens: its verified target, the unit and the unit's instrument (or a typed error). */
export async function openSurvey(code: string, deps: SurveyDeps): Promise<OpenSurvey> {
  const target = verifyCode(await deps.qrKeys(), code);
  const unit = await deps.units.get(target.unitId);
  const instrument = unit && deps.registry.get(unit.instrument);
  if (!unit || !instrument) throw new NotFoundError('this QR code points to a unit that does not exist');
  return { target, unit, instrument };
}

const SUBMISSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * The no-JavaScript form after a refused submission: the same page again, with the citizen's
 * answers kept and a message at each field at fault (400), or at the dossier code when it was
 * already rated (409). Undefined when the error is not about the form's fields (a bad QR code,
 * a rate limit, an outage): those get the error page.
 */
export async function surveyFormAfterError(
  fields: Record<string, string>,
  error: unknown,
  deps: SurveyDeps,
  nonce: string,
): Promise<{ status: number; html: string } | undefined> {
  let issues: FieldIssue[];
  let status = 400;
  if (error instanceof $ZodError) issues = fieldIssues(error, 'body');
  else if (error instanceof ValidationError) issues = error.issues;
  else if (error instanceof ConflictError) {
    issues = [{ field: 'dossier', message: error.message }];
    status = 409;
  } else return undefined;
  if (issues.some((issue) => issue.field === 'code')) return undefined;
  const code = fields.code ?? '';
  let survey: OpenSurvey;
  try {
    survey = await openSurvey(code, deps);
  } catch {
    return undefined;
  }
  const lang = langOf(fields.lang);
  const answers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields))
    if (name.startsWith('a.')) answers[name.slice(2)] = value;
  const errors = citizenMessages(issues, lang);
  if (status === 409) errors.dossier = TEXT[lang].alreadyRated;
  const submissionId =
    fields.submissionId && SUBMISSION_ID.test(fields.submissionId) ? fields.submissionId : deps.newId();
  const html = renderSurveyPage({
    unit: survey.unit,
    instrument: survey.instrument,
    code,
    lang,
    submissionId,
    nonce,
    form: {
      answers,
      ...(fields.dossier !== undefined ? { dossier: fields.dossier } : {}),
      ...(fields.comment !== undefined ? { comment: fields.comment } : {}),
      errors,
    },
  });
  return { status, html };
}
