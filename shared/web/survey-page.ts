import type { Unit } from '../domain';
import type { FieldIssue } from '../errors';
import type { Instrument } from '../methodology/instruments';
import { esc, page } from './html';
import { type Lang, TEXT } from './i18n';

/** What the citizen sent, kept when the form comes back with errors (no-JavaScript path). */
export interface SurveyFormState {
  answers: Record<string, string>;
  dossier?: string;
  comment?: string;
  /** field → message, in the page's language */
  errors: Record<string, string>;
}

export interface SurveyPageInput {
  unit: Unit;
  instrument: Instrument;
  code: string;
  lang: Lang;
  submissionId: string;
  nonce: string;
  form?: SurveyFormState;
}

/**
 * Turns validation issues into messages a citizen understands, keyed by where the page shows them:
 * `answers.<itemId>` at the question, `answers`, `dossier`, `comment` at their fields, anything
 * else (fields the page never lets a person edit) under `form`.
 */
export function citizenMessages(issues: readonly FieldIssue[], lang: Lang): Record<string, string> {
  const t = TEXT[lang];
  const errors: Record<string, string> = {};
  for (const { field } of issues) {
    if (field === 'answers') errors.answers = t.errNoAnswers;
    else if (field.startsWith('answers.')) errors[field] = t.errAnswer;
    else if (field === 'dossier') errors.dossier = t.errDossier;
    else if (field === 'comment') errors.comment = t.errComment;
    else errors.form = t.errForm;
  }
  return errors;
}

/**
 * The citizen's page: a plain form that works without JavaScript (POST as
 * application/x-www-form-urlencoded, answers as a.<itemId>=<level>, then a 303 to the thank-you
 * page), enhanced by a small script that sends JSON with the page's submissionId, so a double tap
 * or a retry stores one rating, and keeps the answers on the phone while it is offline.
 */
export function renderSurveyPage({
  unit,
  instrument,
  code,
  lang,
  submissionId,
  nonce,
  form,
}: SurveyPageInput): string {
  const t = TEXT[lang];
  const other: Lang = lang === 'vi' ? 'en' : 'vi';
  const unitName = lang === 'en' && unit.nameEn ? unit.nameEn : unit.name;
  const levels = [...instrument.scale.levels].reverse();
  const fieldOrder = [
    'form',
    'answers',
    ...instrument.factors.flatMap((f) => f.items.map((i) => `answers.${i.id}`)),
    'dossier',
    'comment',
  ];
  // An error about a field the page does not show (an item of no instrument: a tampered form)
  // has nowhere to sit but the summary.
  const errors: Record<string, string> = {};
  for (const [field, text] of Object.entries(form?.errors ?? {}))
    errors[fieldOrder.includes(field) ? field : 'form'] = fieldOrder.includes(field) ? text : t.errForm;
  const message = (field: string) =>
    errors[field] ? `<p class="msg error" id="e-${esc(field)}">${esc(errors[field])}</p>` : '';
  const invalid = (field: string) =>
    errors[field] ? ` aria-invalid="true" aria-describedby="e-${esc(field)}"` : '';
  const factors = instrument.factors
    .map(
      (factor) =>
        `<section class="factor"><h2>${esc(factor.name[lang])}</h2>${factor.items
          .map((item) => {
            const field = `answers.${item.id}`;
            const chosen = form?.answers[item.id];
            const radio = (value: number, label: string, cls = '') =>
              `<label${cls}><input type="radio" name="a.${esc(item.id)}" value="${value}"${chosen === String(value) ? ' checked' : ''}><span>${esc(label)}</span></label>`;
            return `<fieldset class="item" id="q-${esc(item.id)}"${invalid(field)}><legend>${esc(item.text[lang])}</legend>${message(field)}<div class="levels">${levels
              .map((level) => radio(level.value, level.label[lang]))
              .join('')}${radio(0, t.notApplicable, ' class="na"')}</div></fieldset>`;
          })
          .join('')}</section>`,
    )
    .join('');
  const anchors: Record<string, string> = {
    form: 'survey',
    answers: 'survey',
    dossier: 'dossier',
    comment: 'comment',
  };
  const listed = fieldOrder.filter((field) => errors[field]);
  const summary = listed.length
    ? `<div class="summary" role="alert" tabindex="-1" id="summary"><p><strong>${esc(t.errorSummary)}</strong></p><ul>${listed
        .map(
          (field) =>
            `<li><a href="#${esc(anchors[field] ?? `q-${field.slice('answers.'.length)}`)}">${esc(errors[field])}</a></li>`,
        )
        .join('')}</ul></div>`
    : '';
  const body =
    // The page's own address, not "?lang=": after a refused form post the browser is at /v1/ratings.
    `<main><p class="switch"><a href="/s/${esc(encodeURIComponent(code))}?lang=${other}" hreflang="${other}" lang="${other}">${esc(t.switchLang)}</a></p>` +
    `<h1>${esc(t.surveyTitle)}</h1><p class="unit">${esc(unitName)}</p><p class="muted">${esc(t.intro)}</p>${summary}` +
    `<form id="survey" method="post" action="/v1/ratings" data-thanks="/s/${esc(code)}/thanks?lang=${lang}" novalidate>` +
    `<input type="hidden" name="code" value="${esc(code)}"><input type="hidden" name="submissionId" value="${esc(submissionId)}"><input type="hidden" name="lang" value="${lang}">` +
    `${message('answers')}${factors}` +
    `<h2><label for="dossier">${esc(t.dossier)}</label></h2>${message('dossier')}<input id="dossier" name="dossier" autocomplete="off" maxlength="64" value="${esc(form?.dossier ?? '')}"${invalid('dossier')}>` +
    `<h2><label for="comment">${esc(t.comment)}</label></h2>${message('comment')}<textarea id="comment" name="comment" maxlength="1000" rows="4"${invalid('comment')}>${esc(form?.comment ?? '')}</textarea>` +
    `<p id="status" role="status" aria-live="polite"></p><p><button type="submit">${esc(t.submit)}</button></p></form></main>`;
  return page({
    lang,
    title: `${listed.length ? '⚠ ' : ''}${t.surveyTitle} · ${unitName}`,
    nonce,
    style: SURVEY_CSS,
    script: surveyScript(t),
    body,
  });
}

const SURVEY_CSS =
  '.switch{text-align:right;margin:0}.switch a{display:inline-block;padding:.6rem .2rem;min-height:44px}.unit{font-weight:600;font-size:1.15rem;margin:0 0 .5rem}' +
  '.factor{border-top:1px solid var(--line);margin-top:1rem}fieldset{border:0;margin:0 0 1rem;padding:0;min-width:0}legend{font-weight:600;padding:0;margin-bottom:.4rem}' +
  '.levels{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.4rem}' +
  '.levels label{display:flex;align-items:center;gap:.5rem;min-height:48px;padding:.4rem .6rem;border:1px solid #767676;border-radius:.5rem;cursor:pointer}' +
  '.levels label:has(input:checked){border:2px solid var(--accent);background:#e8f1fb}.levels input{width:1.3rem;height:1.3rem;flex:none;margin:0}.na{color:var(--muted)}' +
  '#dossier,textarea{width:100%;font:inherit;padding:.6rem;border:1px solid #767676;border-radius:.4rem}#status{min-height:1.5em}' +
  '.msg{margin:.2rem 0 .4rem;font-weight:600}[aria-invalid=true]{border-left:4px solid var(--bad);padding-left:.5rem}' +
  '.summary{border:3px solid var(--bad);border-radius:.5rem;padding:.5rem 1rem;margin:1rem 0}.summary a{color:var(--bad)}';

/**
 * Kept small and dependency-free; it only enhances the form, which works without it. Answers
 * wait in localStorage (with their submissionId) until the server has them, so a lost network,
 * a reload or a double tap neither loses nor doubles a rating.
 */
function surveyScript(t: (typeof TEXT)[Lang]): string {
  const m = JSON.stringify({
    sending: t.sending,
    offline: t.offline,
    conflict: t.alreadyRated,
    fix: t.errorSummary,
    generic: t.genericError,
    limited: t.rateLimited,
    retry: t.retryAfter,
    answer: t.errAnswer,
    none: t.errNoAnswers,
    dossier: t.errDossier,
    comment: t.errComment,
    form: t.errForm,
  });
  return `(function(){var M=${m},f=document.getElementById('survey'),s=document.getElementById('status'),b=f.querySelector('button'),K='sipas-pending',mine=f.elements.submissionId.value,busy=false;
function list(){try{return JSON.parse(localStorage.getItem(K)||'[]')}catch(e){return[]}}
function save(l){try{localStorage.setItem(K,JSON.stringify(l))}catch(e){}}
function drop(id){save(list().filter(function(p){return p.body.submissionId!==id}))}
function body(){var a={},o={answers:a};new FormData(f).forEach(function(v,k){if(k.indexOf('a.')===0)a[k.slice(2)]=Number(v);else if(v!=='')o[k]=v});return o}
function say(text,bad){s.className=bad?'error':'';s.textContent=text}
function msg(field){return field==='answers'?M.none:field.indexOf('answers.')===0?M.answer:field==='dossier'?M.dossier:field==='comment'?M.comment:M.form}
function mark(details){var seen={};document.querySelectorAll('.msg').forEach(function(e){e.remove()});(details||[]).forEach(function(d){var k=d.field,el=k.indexOf('answers.')===0?document.getElementById('q-'+k.slice(8)):k==='dossier'||k==='comment'?document.getElementById(k):null,p=document.createElement('p');
if(seen[k])return;seen[k]=1;p.className='msg error';p.id='e-'+k;p.textContent=msg(k);if(el){el.setAttribute('aria-invalid','true');el.setAttribute('aria-describedby',p.id);if(el.tagName==='FIELDSET')el.insertBefore(p,el.children[1]);else el.parentNode.insertBefore(p,el)}else f.insertBefore(p,f.firstChild)})}
function send(item){return fetch('/v1/ratings',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(item.body)}).then(function(r){
if(r.status<500&&r.status!==429)drop(item.body.submissionId);
if((r.status===200||r.status===201)&&item.body.submissionId===mine)location.assign(item.thanks);return r})}
function flush(){list().forEach(function(item){send(item).catch(function(){})})}
window.addEventListener('online',flush);flush();setInterval(function(){if(list().length)flush()},15000);
f.addEventListener('submit',function(e){e.preventDefault();if(busy)return;busy=true;b.disabled=true;say(M.sending);
var item={body:body(),thanks:f.dataset.thanks};drop(mine);save(list().concat([item]));
send(item).then(function(r){if(r.status===200||r.status===201)return;busy=false;b.disabled=false;
return r.json().then(function(j){var d=j&&j.error&&j.error.details;
if(r.status===409){mark([{field:'dossier'}]);say(M.conflict,1)}else if(r.status===429){drop(mine);say(M.limited+' '+M.retry.replace('{s}',r.headers.get('retry-after')||'60'),1)}
else if(d){mark(d);say(M.fix+' '+d.map(function(x){return msg(x.field)}).filter(function(x,i,a){return a.indexOf(x)===i}).join(' '),1);var q=document.querySelector('[aria-invalid=true]');if(q)q.scrollIntoView()}else say(M.generic,1)})})
.catch(function(){busy=false;b.disabled=false;say(M.offline)})})})();`;
}
