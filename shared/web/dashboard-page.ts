import { RULE_NAME, SEVERITY_WORD } from '../alerts/messages';
import { addDays, monthOf, previousPeriod, quarterOf, yearOf } from '../methodology/periods';
import { RESULTS_CSS } from './dashboard-render';
import { DASHBOARD_TEXT } from './dashboard-text';
import { esc, page, pageHeaders } from './html';
import type { Lang } from './i18n';

/**
 * The officials' dashboard and report pages. They are public HTML shells: everything an official
 * may see comes from the officials' API routes, called by the page's script with the ID token as
 * a Bearer token, so the roles are enforced by the API (the JWT authorizer and the handlers'
 * scope checks), never by the page.
 *
 * Sign-in: in the cloud, Cognito's hosted UI with the authorization code flow and PKCE, done by
 * the script (no client secret, no cookie); locally, the runtime's development sign-in page,
 * which hands a token over in the URL fragment (never sent to a server).
 */
export interface SignInConfig {
  /** Cognito hosted UI domain, e.g. https://sipas.auth.ap-southeast-1.amazoncognito.com */
  cognitoDomain?: string;
  cognitoClientId?: string;
  /** the local runtime's development sign-in page */
  devSignIn: boolean;
}

export type DashboardMode = 'dashboard' | 'report';

/** Periods offered in the picker: the last 12 months, 5 quarters and 3 years up to `today` (a Vietnam day). */
export function periodChoices(today: string): string[] {
  const months = [monthOf(today)];
  while (months.length < 12) months.push(previousPeriod(months.at(-1)!));
  const quarters = [quarterOf(today)];
  while (quarters.length < 5) quarters.push(previousPeriod(quarters.at(-1)!));
  const years = [yearOf(today)];
  while (years.length < 3) years.push(previousPeriod(years.at(-1)!));
  return [...months, ...quarters, ...years];
}

/** The CSP of the pages, which must also let the script reach Cognito's token endpoint. */
export function dashboardHeaders(nonce: string, signIn: SignInConfig): Record<string, string> {
  const headers = pageHeaders(nonce);
  if (signIn.cognitoDomain) {
    const origin = new URL(signIn.cognitoDomain).origin;
    headers['content-security-policy'] = headers['content-security-policy']!.replace(
      "connect-src 'self'",
      `connect-src 'self' ${origin}`,
    );
  }
  return headers;
}

const DASHBOARD_CSS =
  'main.dash{max-width:78rem}header.top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem;border-bottom:1px solid var(--line);padding:.5rem 1rem}' +
  'header.top h1{font-size:1.2rem;margin:0}.actions a,.actions button{margin-left:.5rem}.actions button,.toolbar button{min-height:36px;padding:.3rem .8rem}' +
  '.layout{display:grid;grid-template-columns:18rem 1fr;gap:1.5rem}@media (max-width:800px){.layout{grid-template-columns:1fr}}' +
  'nav.tree{border-right:1px solid var(--line);padding-right:1rem;max-height:85vh;overflow:auto}nav.tree ul{list-style:none;padding-left:1rem;margin:0}nav.tree>ul{padding-left:0}' +
  'nav.tree a{display:inline-block;padding:.15rem 0}nav.tree a[aria-current="true"]{font-weight:700;color:var(--fg)}' +
  'label{display:block;font-weight:600;margin:.5rem 0 .2rem}input,select{font:inherit;padding:.35rem;border:1px solid #767676;border-radius:.3rem;width:100%}' +
  '.toolbar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}.toolbar>div{min-width:10rem}.links a{margin-right:1rem}' +
  '.message{padding:.5rem .75rem;border-radius:.3rem;background:#fff4e5;border:1px solid #8a4b00}.message:empty{display:none}' +
  '.alert-list{list-style:none;padding:0}.alert-list li{border:1px solid var(--line);border-radius:.4rem;padding:.5rem;margin:.4rem 0}' +
  '.sev-3{border-left:6px solid #b00020!important}.sev-2{border-left:6px solid #8a4b00!important}.sev-1{border-left:6px solid #0b5cad!important}' +
  '.breadcrumb{font-size:.9rem}.breadcrumb a{margin-right:.25rem}';

/** The page: the same shell and script for the dashboard and the report, told apart by `mode`. */
export function renderDashboardPage(input: {
  mode: DashboardMode;
  lang: Lang;
  today: string;
  signIn: SignInConfig;
  nonce: string;
}): string {
  const { mode, lang } = input;
  const t = DASHBOARD_TEXT[lang];
  const title = mode === 'report' ? t.reportTitle : t.dashboardTitle;
  const choices = periodChoices(input.today);
  const config = {
    mode,
    lang,
    today: input.today,
    defaultPeriod: mode === 'report' ? monthOf(addDays(input.today, -1)) : monthOf(input.today),
    periods: choices,
    signIn: input.signIn,
    t: {
      signInNeeded: t.signInNeeded,
      signIn: t.signIn,
      signInLocal: t.signInLocal,
      signInUnavailable: t.signInUnavailable,
      forbidden: t.forbidden,
      notFound: t.notFound,
      loadError: t.loadError,
      loading: t.loading,
      noMatch: t.noMatch,
      alertsUnavailable: t.alertsUnavailable,
      noAlerts: t.noAlerts,
      acknowledge: t.acknowledge,
      acknowledged: t.acknowledged,
      ackNote: t.ackNote,
      flaggedCount: t.flaggedCount(0).replace('0', '{n}'),
      flaggedMonthOnly: t.flaggedMonthOnly,
      flaggedUnavailable: t.flaggedUnavailable,
      moreAlerts: t.moreAlerts,
      severities: SEVERITY_WORD[lang],
      rules: RULE_NAME[lang],
      exportTooLong: t.exportTooLong,
    },
  };
  const other: Lang = lang === 'vi' ? 'en' : 'vi';
  const periodOptions = `<label for="period">${esc(t.period)}</label><select id="period" name="period"></select>`;
  const nav =
    mode === 'dashboard'
      ? `<nav class="tree no-print" aria-label="${esc(t.units)}"><label for="search">${esc(t.search)}</label><input id="search" type="search" autocomplete="off" aria-controls="tree"><div id="tree" aria-live="polite"></div></nav>`
      : '';
  const dashboardExtras =
    mode === 'dashboard'
      ? `<section aria-labelledby="alerts-h" class="no-print"><h2 id="alerts-h">${esc(t.alerts)}</h2><div id="alerts"></div></section>` +
        `<section aria-labelledby="flagged-h" class="no-print"><h2 id="flagged-h">${esc(t.flagged)}</h2><p id="flagged"></p></section>` +
        `<section aria-labelledby="exports-h" class="no-print"><h2 id="exports-h">${esc(t.exports)}</h2><p class="toolbar"><button type="button" id="export-ratings">${esc(t.exportRatings)}</button><button type="button" id="export-snapshots-csv">${esc(t.exportSnapshotsCsv)}</button><button type="button" id="export-snapshots-json">${esc(t.exportSnapshotsJson)}</button></p><p id="export-status" role="status"></p></section>`
      : '';
  const toolbar =
    mode === 'dashboard'
      ? `<div class="toolbar no-print"><div>${periodOptions}</div><p class="links"><a id="report-link" href="/dashboard/report">${esc(t.openReport)}</a><a id="public-link" href="/r/">${esc(t.openPublic)}</a></p></div>`
      : `<p class="toolbar no-print"><button type="button" id="print">${esc(t.print)}</button></p>`;
  const body =
    `<header class="top"><h1>${esc(title)}</h1><p class="actions no-print"><a id="lang-link" href="?lang=${other}" lang="${other}">${esc(t.switchLang)}</a><button type="button" id="sign-out" hidden>${esc(t.signOut)}</button></p></header>` +
    `<main class="dash"><div id="message" class="message" role="alert"></div><div id="signin" hidden></div>` +
    `<div class="layout" id="app" hidden>${nav}<div><p class="breadcrumb no-print" id="breadcrumb"></p>${toolbar}<div id="view" aria-live="polite" aria-busy="false"></div>${dashboardExtras}</div></div></main>`;
  return page({
    lang,
    title,
    nonce: input.nonce,
    style: DASHBOARD_CSS + RESULTS_CSS + (mode === 'report' ? '.layout{display:block}' : ''),
    body,
    script: `const CONFIG=${JSON.stringify(config).replace(/</g, '\\u003c')};${DASHBOARD_SCRIPT}`,
  });
}

/**
 * The page's script, plain ES2020 for the browser. It keeps the ID token in sessionStorage (gone
 * when the tab closes), fetches HTML fragments the server renders from snapshots, and handles the
 * tree, search, sorting, alerts and exports.
 */
const DASHBOARD_SCRIPT = String.raw`
(function(){
'use strict';
var T=CONFIG.t, KEY='sipas.idToken', MAX_ALERTS=20, $=function(id){return document.getElementById(id);};
var params=new URLSearchParams(location.search);
var state={unit:params.get('unit'),period:params.get('period')||CONFIG.defaultPeriod,units:[],byId:{},children:{}};
function show(el,on){if(el)el.hidden=!on;}
function message(text){$('message').textContent=text||'';}
function norm(s){return s.normalize('NFD').replace(/[\u0300-\u036f]/g,'').replace(/đ/g,'d').replace(/Đ/g,'D').toLowerCase().replace(/\s+/g,' ').trim();}
function b64url(bytes){var s='';bytes.forEach(function(b){s+=String.fromCharCode(b);});return btoa(s).replace(/\+/g,'-').replace(/\//g,'_').replace(/=+$/,'');}
function claims(token){try{return JSON.parse(atob(token.split('.')[1].replace(/-/g,'+').replace(/_/g,'/')));}catch(e){return null;}}
function token(){var tk=sessionStorage.getItem(KEY);if(!tk)return null;var c=claims(tk);if(!c||(c.exp&&c.exp*1000<Date.now())){sessionStorage.removeItem(KEY);return null;}return tk;}
function redirectUri(){return location.origin+'/dashboard';}
async function startCognito(){
  var verifier=b64url(crypto.getRandomValues(new Uint8Array(32)));
  var challenge=b64url(new Uint8Array(await crypto.subtle.digest('SHA-256',new TextEncoder().encode(verifier))));
  var st=b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('sipas.pkce',JSON.stringify({verifier:verifier,state:st,back:location.pathname+location.search}));
  var q=new URLSearchParams({response_type:'code',client_id:CONFIG.signIn.cognitoClientId,redirect_uri:redirectUri(),scope:'openid email profile',code_challenge_method:'S256',code_challenge:challenge,state:st});
  location.assign(CONFIG.signIn.cognitoDomain.replace(/\/$/,'')+'/oauth2/authorize?'+q);
}
async function finishCognito(code,st){
  var saved=JSON.parse(sessionStorage.getItem('sipas.pkce')||'null');sessionStorage.removeItem('sipas.pkce');
  if(!saved||saved.state!==st)throw new Error('state');
  var res=await fetch(CONFIG.signIn.cognitoDomain.replace(/\/$/,'')+'/oauth2/token',{method:'POST',headers:{'content-type':'application/x-www-form-urlencoded'},body:new URLSearchParams({grant_type:'authorization_code',client_id:CONFIG.signIn.cognitoClientId,code:code,redirect_uri:redirectUri(),code_verifier:saved.verifier})});
  if(!res.ok)throw new Error('token');
  var body=await res.json();sessionStorage.setItem(KEY,body.id_token);
  if(saved.back&&saved.back.split('?')[0]!==location.pathname){location.replace(saved.back);return new Promise(function(){});}
  history.replaceState(null,'',saved.back||location.pathname);
  params=new URLSearchParams(location.search);state.unit=params.get('unit');state.period=params.get('period')||CONFIG.defaultPeriod;
}
function signInPanel(){
  var el=$('signin');el.textContent='';var p=document.createElement('p');p.textContent=T.signInNeeded;el.appendChild(p);
  if(CONFIG.signIn.cognitoDomain&&CONFIG.signIn.cognitoClientId){var b=document.createElement('button');b.type='button';b.id='sign-in';b.textContent=T.signIn;b.addEventListener('click',startCognito);el.appendChild(b);}
  else if(CONFIG.signIn.devSignIn){var a=document.createElement('a');a.className='button';a.id='sign-in';a.href='/dev/sign-in?next='+encodeURIComponent(location.pathname+location.search);a.textContent=T.signInLocal;el.appendChild(a);}
  else{var q=document.createElement('p');q.textContent=T.signInUnavailable;el.appendChild(q);}
  show(el,true);show($('app'),false);show($('sign-out'),false);
}
class ApiError extends Error{constructor(status){super('HTTP '+status);this.status=status;}}
async function api(path,opts){
  opts=opts||{};var tk=token();if(!tk){signInPanel();throw new ApiError(401);}
  var headers={authorization:'Bearer '+tk,accept:opts.accept||'application/json'};
  if(opts.body!==undefined)headers['content-type']='application/json';
  var res=await fetch(path,{method:opts.method||'GET',headers:headers,body:opts.body===undefined?undefined:JSON.stringify(opts.body)});
  if(res.status===401){sessionStorage.removeItem(KEY);signInPanel();throw new ApiError(401);}
  if(!res.ok){var e=new ApiError(res.status);try{e.body=await res.json();}catch(x){}throw e;}
  return opts.raw?res:(opts.accept==='text/html'?res.text():res.json());
}
function errorText(e){return e.status===403?T.forbidden:e.status===404?T.notFound:T.loadError;}
function unitName(u){return CONFIG.lang==='en'&&u.nameEn?u.nameEn:u.name;}
function link(u){var a=document.createElement('a');a.href='?unit='+encodeURIComponent(u.id)+'&period='+encodeURIComponent(state.period)+'&lang='+CONFIG.lang;a.dataset.unit=u.id;a.textContent=unitName(u);if(u.id===state.unit)a.setAttribute('aria-current','true');return a;}
function renderTree(){
  var host=$('tree');if(!host)return;host.textContent='';
  var q=norm($('search').value||'');
  if(q){
    var ul=document.createElement('ul');var hits=state.units.filter(function(u){return norm(u.name).indexOf(q)>=0||(u.nameEn&&norm(u.nameEn).indexOf(q)>=0);}).slice(0,100);
    hits.forEach(function(u){var li=document.createElement('li');li.appendChild(link(u));ul.appendChild(li);});
    if(!hits.length){var p=document.createElement('p');p.textContent=T.noMatch;host.appendChild(p);}else host.appendChild(ul);return;
  }
  var open={};var cur=state.byId[state.unit];if(cur)cur.path.split('/').filter(Boolean).forEach(function(id){open[id]=true;});
  function build(parentKey,depth){
    var kids=state.children[parentKey]||[];if(!kids.length)return null;var ul=document.createElement('ul');
    kids.forEach(function(u){var li=document.createElement('li');li.appendChild(link(u));if(depth<1||open[u.id]){var sub=build(u.id,depth+1);if(sub)li.appendChild(sub);}ul.appendChild(li);});
    return ul;
  }
  var tree=build('',0);if(tree)host.appendChild(tree);
}
function renderBreadcrumb(){
  var host=$('breadcrumb');if(!host)return;host.textContent='';var u=state.byId[state.unit];if(!u)return;
  u.path.split('/').filter(Boolean).forEach(function(id,i,all){var a=state.byId[id];if(!a)return;if(i<all.length-1){host.appendChild(link(a));host.appendChild(document.createTextNode(' › '));}else{var s=document.createElement('span');s.textContent=unitName(a);host.appendChild(s);}});
}
function periodSelect(){
  var sel=$('period');if(!sel)return;sel.textContent='';var list=CONFIG.periods.slice();if(list.indexOf(state.period)<0)list.unshift(state.period);
  list.forEach(function(p){var o=document.createElement('option');o.value=p;o.textContent=p;if(p===state.period)o.selected=true;sel.appendChild(o);});
}
function monthOfPeriod(p){if(/^\d{4}-\d{2}$/.test(p))return p;if(/^\d{4}-\d{2}-\d{2}$/.test(p))return p.slice(0,7);if(/^\d{4}-Q\d$/.test(p)){return p.slice(0,4)+'-'+String(Number(p.slice(6))*3).padStart(2,'0');}return p+'-12';}
function dayRange(p){
  if(/^\d{4}-\d{2}-\d{2}$/.test(p))return [p,p];
  var first,last;if(/^\d{4}-\d{2}$/.test(p)){first=p+'-01';last=new Date(Date.UTC(+p.slice(0,4),+p.slice(5,7),0)).toISOString().slice(0,10);}
  else if(/^\d{4}-Q\d$/.test(p)){var q=+p.slice(6);first=p.slice(0,4)+'-'+String(q*3-2).padStart(2,'0')+'-01';last=new Date(Date.UTC(+p.slice(0,4),q*3,0)).toISOString().slice(0,10);}
  else{first=p+'-01-01';last=p+'-12-31';}
  return [first,last];
}
function syncUrl(){var q=new URLSearchParams();if(state.unit)q.set('unit',state.unit);q.set('period',state.period);q.set('lang',CONFIG.lang);history.replaceState(null,'',location.pathname+'?'+q);
  var other=CONFIG.lang==='vi'?'en':'vi';q.set('lang',other);$('lang-link').href='?'+q;
  if($('report-link'))$('report-link').href='/dashboard/report?unit='+encodeURIComponent(state.unit)+'&period='+monthOfPeriod(state.period)+'&lang='+CONFIG.lang;
  if($('public-link'))$('public-link').href='/r/'+encodeURIComponent(state.unit)+'?period='+encodeURIComponent(state.period)+'&lang='+CONFIG.lang;}
async function loadView(){
  var view=$('view');view.setAttribute('aria-busy','true');view.textContent=T.loading;message('');syncUrl();renderTree();renderBreadcrumb();
  var path=CONFIG.mode==='report'?'/report':'/dashboard';
  try{
    view.innerHTML=await api('/v1/units/'+encodeURIComponent(state.unit)+path+'?period='+encodeURIComponent(CONFIG.mode==='report'?monthOfPeriod(state.period):state.period)+'&lang='+CONFIG.lang,{accept:'text/html'});
  }catch(e){view.textContent='';if(e.status!==401)message(errorText(e));view.setAttribute('aria-busy','false');return;}
  view.setAttribute('aria-busy','false');
  if(CONFIG.mode==='dashboard'){loadAlerts();loadFlagged();}
}
function sortTable(button){
  var th=button.closest('th'),table=button.closest('table'),col=Array.prototype.indexOf.call(th.parentNode.children,th);
  var dir=th.getAttribute('aria-sort')==='descending'?'ascending':'descending';
  table.querySelectorAll('thead th').forEach(function(h){h.setAttribute('aria-sort','none');});th.setAttribute('aria-sort',dir);
  var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
  rows.sort(function(a,b){var x=a.children[col].dataset.value,y=b.children[col].dataset.value;var nx=Number(x),ny=Number(y);var c=(isNaN(nx)||isNaN(ny))?String(x).localeCompare(String(y),'vi'):nx-ny;return dir==='ascending'?c:-c;});
  rows.forEach(function(r){body.appendChild(r);});
}
async function loadAlerts(){
  var host=$('alerts');if(!host)return;host.textContent=T.loading;
  var data;try{data=await api('/v1/alerts?unit='+encodeURIComponent(state.unit));}
  catch(e){host.textContent=(e.status===404&&!(e.body&&e.body.error))?T.alertsUnavailable:errorText(e);return;}
  var list=(Array.isArray(data)?data:(data.alerts||data.items||[])).slice();host.textContent='';
  // Open alerts first, the most severe first; the list names the unit, since a parent sees its subtree's.
  list.sort(function(x,y){return (x.ackedAt?1:0)-(y.ackedAt?1:0)||(y.severityLevel||0)-(x.severityLevel||0)||String(y.createdAt).localeCompare(String(x.createdAt));});
  var total=list.length;list=list.slice(0,MAX_ALERTS);
  if(!list.length){host.textContent=T.noAlerts;return;}
  var ul=document.createElement('ul');ul.className='alert-list';
  list.forEach(function(a){
    var li=document.createElement('li');li.className='sev-'+(a.severityLevel||({info:1,warning:2,critical:3})[a.severity]||1);li.dataset.alert=a.id;
    var m=a.messages?(a.messages[CONFIG.lang]||a.messages.vi):(a.message||a.rule);if(m&&typeof m==='object')m=m.body||m.subject||'';
    var p=document.createElement('p');var strong=document.createElement('strong');strong.textContent=[T.severities[a.severity]||a.severity,a.unitName||a.unitId,T.rules[a.rule]||a.rule,a.period].filter(Boolean).join(' · ');p.appendChild(strong);li.appendChild(p);
    var q=document.createElement('p');q.textContent=m;li.appendChild(q);
    if(a.ackedAt){var d=document.createElement('p');d.className='muted ack-done';d.textContent=T.acknowledged+' · '+a.ackedAt+(a.ackNote?' · '+a.ackNote:'');li.appendChild(d);}
    else{var lab=document.createElement('label');lab.textContent=T.ackNote;var inp=document.createElement('input');inp.type='text';inp.id='note-'+a.id;lab.htmlFor=inp.id;
      var b=document.createElement('button');b.type='button';b.textContent=T.acknowledge;b.dataset.ack=a.id;
      b.addEventListener('click',async function(){b.disabled=true;try{await api('/v1/alerts/'+encodeURIComponent(a.id)+'/ack',{method:'POST',body:{note:inp.value.trim()||T.acknowledged}});loadAlerts();}catch(e){b.disabled=false;message(errorText(e));}});
      li.appendChild(lab);li.appendChild(inp);li.appendChild(b);}
    ul.appendChild(li);
  });host.appendChild(ul);
  if(total>list.length){var more=document.createElement('p');more.className='muted';more.textContent=T.moreAlerts.replace('{shown}',String(list.length)).replace('{total}',String(total));host.appendChild(more);}
}
async function loadFlagged(){
  var host=$('flagged');if(!host)return;
  if(!/^\d{4}-\d{2}$/.test(state.period)){host.textContent=T.flaggedMonthOnly;return;}
  host.textContent=T.loading;
  var r=dayRange(state.period);
  try{var f=await api('/v1/units/'+encodeURIComponent(state.unit)+'/flagged?from='+r[0]+'&to='+r[1]);host.textContent=T.flaggedCount.replace('{n}',String(f.flagged));}
  catch(e){host.textContent=e.status===401?'':(e.status===404&&!(e.body&&e.body.error))?T.flaggedUnavailable:errorText(e);}
}
async function download(path,name){
  var status=$('export-status');status.textContent=T.loading;
  try{var res=await api(path,{raw:true,accept:'*/*'});var blob=await res.blob();var a=document.createElement('a');a.href=URL.createObjectURL(blob);a.download=name;document.body.appendChild(a);a.click();a.remove();status.textContent=name;}
  catch(e){status.textContent=(e.body&&e.body.error&&e.body.error.message)||errorText(e);}
}
function wire(){
  document.addEventListener('click',function(ev){
    var s=ev.target.closest('button.sort');if(s){sortTable(s);return;}
    var a=ev.target.closest('a[data-unit]');if(a&&CONFIG.mode==='dashboard'&&!ev.ctrlKey&&!ev.metaKey){ev.preventDefault();state.unit=a.dataset.unit;loadView();}
  });
  if($('search'))$('search').addEventListener('input',renderTree);
  if($('period'))$('period').addEventListener('change',function(){state.period=this.value;loadView();});
  if($('print'))$('print').addEventListener('click',function(){window.print();});
  $('sign-out').addEventListener('click',function(){sessionStorage.removeItem(KEY);signInPanel();});
  var u=function(){return encodeURIComponent(state.unit);};
  if($('export-ratings'))$('export-ratings').addEventListener('click',function(){var r=dayRange(state.period);if((Date.parse(r[1])-Date.parse(r[0]))/864e5>=92){$('export-status').textContent=T.exportTooLong;return;}download('/v1/units/'+u()+'/ratings.csv?from='+r[0]+'&to='+r[1],state.unit+'-ratings-'+state.period+'.csv');});
  var kind=function(){return /^\d{4}-\d{2}-\d{2}$/.test(state.period)?'day':/^\d{4}-\d{2}$/.test(state.period)?'month':/Q/.test(state.period)?'quarter':'year';};
  if($('export-snapshots-csv'))$('export-snapshots-csv').addEventListener('click',function(){download('/v1/units/'+u()+'/snapshots.csv?kind='+kind()+'&from='+state.period+'&to='+state.period,state.unit+'-snapshots-'+state.period+'.csv');});
  if($('export-snapshots-json'))$('export-snapshots-json').addEventListener('click',function(){download('/v1/units/'+u()+'/snapshots.json?kind='+kind()+'&from='+state.period+'&to='+state.period,state.unit+'-snapshots-'+state.period+'.json');});
}
async function main(){
  wire();
  var hash=new URLSearchParams(location.hash.slice(1));
  if(hash.get('id_token')){sessionStorage.setItem(KEY,hash.get('id_token'));history.replaceState(null,'',location.pathname+location.search);}
  if(params.get('code')&&params.get('state')&&CONFIG.signIn.cognitoDomain){try{await finishCognito(params.get('code'),params.get('state'));}catch(e){message(T.loadError);}}
  if(!token()){signInPanel();return;}
  show($('signin'),false);show($('app'),true);show($('sign-out'),true);periodSelect();
  // An official starts at their own unit (a claim of the token): the view and the tree then load
  // side by side, which is most of the first render's time on a large city.
  var own=claims(token())['custom:unitId'];if(!state.unit&&own)state.unit=own;
  var started=false;if(state.unit){started=true;loadView();}
  if(CONFIG.mode==='dashboard'){
    try{var tree=await api('/v1/tree');}catch(e){if(e.status!==401&&!started)message(errorText(e));return;}
    state.units=tree.units;tree.units.forEach(function(u){state.byId[u.id]=u;});
    tree.units.forEach(function(u){var key=u.parentId&&state.byId[u.parentId]?u.parentId:'';(state.children[key]=state.children[key]||[]).push(u);});
    Object.keys(state.children).forEach(function(k){state.children[k].sort(function(a,b){return a.name.localeCompare(b.name,'vi');});});
    if(!state.unit){var roots=state.children['']||[];state.unit=roots.length?roots[0].id:null;}
    renderTree();renderBreadcrumb();
  }
  if(!state.unit){message(T.notFound);return;}
  if(!started)loadView();
}
main();
})();
`;
