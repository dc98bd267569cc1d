import type { ContainerRecord } from '@tagrelay/store';

/**
 * The browser tag, written small by hand (it must stay under 2 KB). It:
 * - merges `window.dataLayer` (objects pushed in order, later wins; `consent`
 *   updates merge per category, as consent-mode updates do);
 * - waits for consent: sends only once `consent` in the data layer grants at
 *   least one category, and re-checks on every `dataLayer.push`;
 * - needs a reconciliation key (from the data layer, else a cookie of that
 *   name): without one there is nothing to join, so it waits for a push;
 * - reads only the configured cookies and variables; sets no cookie;
 * - sends once per page with `navigator.sendBeacon` (text/plain, no CORS
 *   preflight), else `fetch` with keepalive, to the origin it was loaded from.
 */
const TEMPLATE = `(function(w,d){var C=__CONFIG__,s=d.currentScript,b=s?new URL(s.src).origin:"",S=0;
function L(){var o={};(w.dataLayer||[]).forEach(function(e){if(e&&typeof e=="object"&&!Array.isArray(e))for(var k in e)o[k]=k=="consent"?Object.assign({},o[k],e[k]):e[k]});return o}
function K(n){var m=d.cookie.match(new RegExp("(?:^|; )"+n.replace(/[.$]/g,"\\\\$&")+"=([^;]*)"));return m?decodeURIComponent(m[1]):void 0}
function G(){if(S)return;var v=L(),c=v.consent||{},g=0,k,x,h={keys:{},cookies:{},variables:{},consent:{},page:{url:location.href,referrer:d.referrer||null}};
for(k in c)if(typeof c[k]=="boolean"){h.consent[k]=c[k];if(c[k])g=1}if(!g)return;
C.k.forEach(function(n){x=v[n]!=null&&v[n]!==""?v[n]:K(n);if(x!=null&&x!=="")h.keys[n]=String(x)});if(!Object.keys(h.keys).length)return;
C.c.forEach(function(n){x=K(n);if(x!==void 0)h.cookies[n]=x});C.v.forEach(function(n){if(v[n]!==void 0)h.variables[n]=v[n]});
S=1;var u=b+C.p,j=JSON.stringify(h);if(!(navigator.sendBeacon&&navigator.sendBeacon(u,new Blob([j],{type:"text/plain"}))))fetch(u,{method:"POST",body:j,keepalive:!0,headers:{"content-type":"text/plain"}})}
var q=w.dataLayer=w.dataLayer||[],p=q.push;q.push=function(){var r=p.apply(q,arguments);G();return r};G()})(window,document);
`;

export function browserTag(container: ContainerRecord): string {
  const config = {
    p: `/v1/web/${encodeURIComponent(container.siteId)}/${encodeURIComponent(container.containerId)}`,
    k: container.reconciliationKeys,
    c: container.cookies,
    v: container.variables,
  };
  // NOTE: names are validated ([A-Za-z0-9_.$-]), so JSON is safe inside a script.
  return TEMPLATE.replace('__CONFIG__', JSON.stringify(config));
}
