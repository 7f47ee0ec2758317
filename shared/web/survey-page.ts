import type { Unit } from '../domain';
import type { Instrument } from '../methodology/instruments';
import { esc, page } from './html';
import { type Lang, TEXT } from './i18n';

export interface SurveyPageInput {
  unit: Unit;
  instrument: Instrument;
  code: string;
  lang: Lang;
  submissionId: string;
  nonce: string;
}

/**
 * The citizen's page: a plain form that works without JavaScript (POST as
 * application/x-www-form-urlencoded, answers as a.<itemId>=<level>, then a 303 to the thank-you
 * page), enhanced by a small script that sends JSON with the page's submissionId, so a double tap
 * or a retry stores one rating, and keeps the answers on the phone while it is offline.
 */
export function renderSurveyPage({ unit, instrument, code, lang, submissionId, nonce }: SurveyPageInput): string {
  const t = TEXT[lang];
  const other: Lang = lang === 'vi' ? 'en' : 'vi';
  const unitName = lang === 'en' && unit.nameEn ? unit.nameEn : unit.name;
  const levels = [...instrument.scale.levels].reverse();
  const factors = instrument.factors
    .map(
      (factor) => `<section class="factor"><h2>${esc(factor.name[lang])}</h2>${factor.items
        .map(
          (item) => `<fieldset class="item"><legend>${esc(item.text[lang])}</legend><div class="levels">${levels
            .map(
              (level) =>
                `<label><input type="radio" name="a.${esc(item.id)}" value="${level.value}"><span>${esc(level.label[lang])}</span></label>`,
            )
            .join('')}<label class="na"><input type="radio" name="a.${esc(item.id)}" value="0"><span>${esc(t.notApplicable)}</span></label></div></fieldset>`,
        )
        .join('')}</section>`,
    )
    .join('');
  const body = `<main><p class="switch"><a href="?lang=${other}" hreflang="${other}" lang="${other}">${esc(t.switchLang)}</a></p><h1>${esc(t.surveyTitle)}</h1><p class="unit">${esc(unitName)}</p><p class="muted">${esc(t.intro)}</p><form id="survey" method="post" action="/v1/ratings" data-thanks="/s/${esc(code)}/thanks?lang=${lang}"><input type="hidden" name="code" value="${esc(code)}"><input type="hidden" name="submissionId" value="${esc(submissionId)}"><input type="hidden" name="lang" value="${lang}">${factors}<h2><label for="dossier">${esc(t.dossier)}</label></h2><input id="dossier" name="dossier" autocomplete="off" maxlength="64"><h2><label for="comment">${esc(t.comment)}</label></h2><textarea id="comment" name="comment" maxlength="1000" rows="4"></textarea><p id="status" role="status" aria-live="polite"></p><p><button type="submit">${esc(t.submit)}</button></p></form></main>`;
  return page({
    lang,
    title: `${t.surveyTitle} · ${unitName}`,
    nonce,
    style: SURVEY_CSS,
    script: surveyScript(t),
    body,
  });
}

const SURVEY_CSS =
  '.switch{text-align:right;margin:0}.unit{font-weight:600;font-size:1.15rem;margin:0 0 .5rem}' +
  '.factor{border-top:1px solid var(--line);margin-top:1rem}fieldset{border:0;margin:0 0 1rem;padding:0;min-width:0}legend{font-weight:600;padding:0;margin-bottom:.4rem}' +
  '.levels{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.4rem}' +
  '.levels label{display:flex;align-items:center;gap:.5rem;min-height:48px;padding:.4rem .6rem;border:1px solid var(--line);border-radius:.5rem;cursor:pointer}' +
  '.levels label:has(input:checked){border:2px solid var(--accent);background:#e8f1fb}.levels input{width:1.3rem;height:1.3rem;flex:none;margin:0}.na{color:var(--muted)}' +
  'input[type=text],#dossier,textarea{width:100%;font:inherit;padding:.6rem;border:1px solid #767676;border-radius:.4rem}#status{min-height:1.5em}';

function surveyScript(t: (typeof TEXT)[Lang]): string {
  // Kept small and dependency-free; it only enhances the form, which works without it.
  return `(function(){var f=document.getElementById('survey'),s=document.getElementById('status'),b=f.querySelector('button'),K='sipas-pending';
function pending(){try{return JSON.parse(localStorage.getItem(K)||'[]')}catch(e){return[]}}
function keep(list){try{localStorage.setItem(K,JSON.stringify(list))}catch(e){}}
function body(){var d=new FormData(f),a={},o={answers:a};d.forEach(function(v,k){if(k.indexOf('a.')===0)a[k.slice(2)]=Number(v);else if(v!=='')o[k]=v});return o}
function send(item){return fetch('/v1/ratings',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(item.body)}).then(function(r){
if(r.status===200||r.status===201||r.status===409){keep(pending().filter(function(p){return p.body.submissionId!==item.body.submissionId}));return r}
return r})}
function flush(){pending().forEach(function(item){send(item).catch(function(){})})}
window.addEventListener('online',flush);flush();
var busy=false;
f.addEventListener('submit',function(e){e.preventDefault();if(busy)return;busy=true;b.disabled=true;s.textContent=${JSON.stringify(t.sending)};
var item={body:body(),thanks:f.dataset.thanks};keep(pending().filter(function(p){return p.body.submissionId!==item.body.submissionId}).concat([item]));
send(item).then(function(r){if(r.status===200||r.status===201){location.assign(item.thanks);return}
return r.json().then(function(j){keep(pending().filter(function(p){return p.body.submissionId!==item.body.submissionId}));busy=false;b.disabled=false;
s.className='error';s.textContent=r.status===409?${JSON.stringify(t.alreadyRated)}:(j&&j.error&&j.error.details?${JSON.stringify(t.fixAnswers)}+' '+j.error.details.map(function(d){return d.field+': '+d.message}).join('; '):(j&&j.error?j.error.message:${JSON.stringify(t.genericError)}))})})
.catch(function(){busy=false;b.disabled=false;s.className='';s.textContent=${JSON.stringify(t.offline)}})})})();`;
}
