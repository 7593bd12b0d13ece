// The CX lead console's shell: signs in, loads HTML fragments rendered on
// the server from /api/console/… with the token, and keeps the language.
// Sign-in is the form's /auth.js: in AWS the Cognito managed login
// (authorization code with PKCE, the console's own callback /console/ and
// tokens, renewal before expiry, and once more after a 401 before the
// request is repeated); locally the token the audit form uses (#token=… or
// the form's stored one, or pasted). Everything
// shown comes from the server's templates; this file only fetches, routes
// by the URL hash, submits the forms (start a review, QA and appeal
// decisions, create and move actions) to the API's JSON routes, asks for
// evidence files' short-lived URLs and refreshes a live progress view.
const K = { token: 'ta.token', lang: 'ta.console.lang' };
const app = {
  token: localStorage.getItem(K.token) || '',
  lang: localStorage.getItem(K.lang) || ((navigator.language || 'pl').startsWith('en') ? 'en' : 'pl'),
  cat: {},
  timer: 0,
  // session is auth.js's: mode 'dev' (a pasted or linked token) or 'cognito'.
  session: { mode: 'dev', error: null, signedOut: false },
  // notice is a sign-in problem to show on the sign-in page: [key, detail].
  notice: null,
};
const view = document.getElementById('view');

const t = (key, ...args) => {
  let s = app.cat[key] || key;
  for (const a of args) s = s.replace(/%[sd]/, a);
  return s;
};

function translate(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

async function loadCatalogue() {
  const r = await fetch(`/console/i18n/${app.lang}.json`);
  app.cat = await r.json();
  document.documentElement.lang = app.lang;
  document.title = t('app.title');
  translate(document);
  for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === app.lang));
}

class HTTPError extends Error {
  constructor(status, body) { super(`HTTP ${status}`); this.status = status; this.body = body; }
}

const managed = () => app.session.mode === 'cognito';

// call sends the request with the current token. With the managed login a
// 401 (the token expired or was revoked early) renews the token and sends
// the request once more; a second 401 is final.
async function call(method, path, body, retried = false) {
  const token = managed() ? await app.session.token() : app.token;
  const headers = { Authorization: `Bearer ${token}` };
  if (body) headers['Content-Type'] = 'application/json';
  let r;
  try {
    r = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  } catch {
    throw new HTTPError(0, null);
  }
  if (r.status === 401 && managed() && !retried) {
    // Another request may have renewed the token meanwhile: then that one
    // is tried, else a new one is asked for.
    const current = await app.session.token();
    if ((current && current !== token) || await app.session.renew()) return call(method, path, body, true);
  }
  if (!r.ok) {
    let b = null;
    try { b = await r.json(); } catch { /* not JSON */ }
    throw new HTTPError(r.status, b);
  }
  return r;
}

function errorText(e) {
  const code = e.body && e.body.error && e.body.error.code;
  if (e.status === 0) return t('error.offline');
  if (code === 'unauthorized' || code === 'forbidden' || code === 'not_found') return t(`error.${code}`);
  return t('error.other');
}

// route maps the hash to a fragment: #/reviews, #/reviews/{id}[/map|/report|/touchpoints/{tp}[/{result}]],
// #/qa, #/actions[/status/{s}|/new/result/{id}|/new/review/{id}/{tp}|/{id}], #/history, #/outbox.
function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const e = encodeURIComponent;
  switch (parts[0]) {
    case 'qa': return { path: '/api/console/qa', nav: 'qa' };
    case 'history': return { path: '/api/console/history', nav: 'history' };
    case 'outbox': return { path: '/api/console/outbox', nav: 'outbox' };
    case 'actions':
      if (parts[1] === 'status' && parts[2]) return { path: `/api/console/actions?status=${e(parts[2])}`, nav: 'actions' };
      if (parts[1] === 'new' && parts[2] === 'result') return { path: `/api/console/actions/new?resultId=${e(parts[3] || '')}`, nav: 'actions' };
      if (parts[1] === 'new' && parts[2] === 'review') return { path: `/api/console/actions/new?reviewId=${e(parts[3] || '')}&touchpointId=${e(parts[4] || '')}`, nav: 'actions' };
      if (parts[1]) return { path: `/api/console/actions/${e(parts[1])}`, nav: 'actions' };
      return { path: '/api/console/actions', nav: 'actions' };
    default:
  }
  if (parts[0] !== 'reviews' || parts.length === 1) return { path: '/api/console/reviews', tab: '', nav: 'reviews' };
  const id = e(parts[1]);
  if (parts[2] === 'map') return { path: `/api/console/reviews/${id}/map`, tab: 'map', nav: 'reviews' };
  if (parts[2] === 'report') return { path: `/api/console/reviews/${id}/report`, tab: 'report', nav: 'reviews' };
  if (parts[2] === 'touchpoints' && parts[3]) return { path: `/api/console/reviews/${id}/touchpoints/${e(parts[3])}`, tab: 'map', nav: 'reviews', walk: parts[4] };
  return { path: `/api/console/reviews/${id}/progress`, tab: 'progress', nav: 'reviews' };
}

async function show() {
  clearTimeout(app.timer);
  if (!app.token) return signIn();
  document.getElementById('sign-out').hidden = false;
  probeOutbox();
  const { path, tab, nav, walk } = route();
  const started = performance.now();
  try {
    const r = await call('GET', `${path}${path.includes('?') ? '&' : '?'}lang=${app.lang}`);
    view.innerHTML = await r.text();
    app.notice = null;
  } catch (e) {
    if (e.status === 401) {
      app.token = '';
      if (!managed()) localStorage.removeItem(K.token);
      app.notice = ['error.unauthorized'];
      return signIn();
    }
    if (e.status === 403) return forbidden();
    view.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'error';
    p.setAttribute('role', 'alert');
    p.textContent = errorText(e);
    view.append(p);
    return;
  }
  for (const a of view.querySelectorAll('[data-tab]')) if (a.dataset.tab === tab) a.setAttribute('aria-current', 'page');
  document.body.dataset.view = tab || nav;
  for (const a of document.querySelectorAll('.topbar nav a')) {
    if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (walk) {
    const w = document.getElementById(`walk-${walk}`);
    if (w) { w.classList.add('focus'); w.scrollIntoView({ block: 'start' }); }
  }
  loadEvidence();
  // Milliseconds since navigation began, and the fragment's own fetch and
  // render: the browser test logs both.
  document.body.dataset.ready = String(Math.round(performance.now()));
  document.body.dataset.fragment = String(Math.round(performance.now() - started));
  document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);
  const live = view.querySelector('[data-live]');
  if (live) app.timer = setTimeout(show, Number(live.dataset.live) * 1000);
}

// loadEvidence asks for a short-lived URL of each file shown
// (GET /api/evidence/{id}): a photo becomes a thumbnail linked to itself,
// an audio note or a PDF a link. A file that cannot be opened says so.
function loadEvidence() {
  const ids = new Set([...view.querySelectorAll('[data-evidence]')].map((el) => el.dataset.evidence));
  for (const id of ids) {
    call('GET', `/api/evidence/${encodeURIComponent(id)}`).then((r) => r.json()).then((ev) => {
      for (const el of view.querySelectorAll(`[data-evidence="${CSS.escape(id)}"]`)) {
        if (el.tagName === 'IMG') el.src = ev.url; else el.href = ev.url;
        el.dataset.expires = ev.expiresAt;
      }
    }).catch((e) => {
      for (const el of view.querySelectorAll(`[data-evidence="${CSS.escape(id)}"]`)) {
        el.closest('li').classList.add('ev-missing');
        el.title = errorText(e);
      }
    });
  }
}

// probeOutbox shows the Outbox menu entry only where GET /api/outbox
// answers (touchaudit local); in AWS it is 404 and the entry stays hidden.
let outboxProbed = false;
function probeOutbox() {
  if (outboxProbed || !app.token) return;
  outboxProbed = true;
  call('GET', '/api/outbox').then(() => { document.getElementById('nav-outbox').hidden = false; }).catch(() => { outboxProbed = false; });
}

// signIn shows the sign-in page: the managed login's button in AWS (or,
// back from signing out, a "signed out" page offering it again), a token
// field locally; with the sign-in problem, if any.
function signIn() {
  document.getElementById('sign-out').hidden = true;
  document.body.dataset.view = 'sign-in';
  let tpl = 'sign-in';
  if (managed()) tpl = app.session.signedOut && !app.notice ? 'signed-out' : 'sign-in-managed';
  view.replaceChildren(document.getElementById(tpl).content.cloneNode(true));
  translate(view);
  const msg = view.querySelector('#sign-in-message');
  if (msg && app.notice) {
    msg.textContent = t(...app.notice);
    msg.hidden = false;
  }
}

// forbidden is the page of someone signed in who is not a CX lead (every
// console route answers 403): a plain "Not allowed", the way to the form,
// and the sign-out button.
function forbidden() {
  document.getElementById('sign-out').hidden = false;
  document.body.dataset.view = 'forbidden';
  view.replaceChildren(document.getElementById('forbidden').content.cloneNode(true));
  translate(view);
}

async function startReview(form) {
  const out = form.querySelector('output');
  const f = new FormData(form);
  const day = (s) => (s ? new Date(`${s}T00:00:00`).toISOString() : undefined);
  const body = { name: f.get('name') || undefined, opens: day(f.get('opens')), closes: day(f.get('closes')), standardVersion: f.get('standardVersion') || undefined };
  const journeys = f.getAll('journey');
  const touchpoints = f.getAll('touchpoint');
  if (journeys.length || touchpoints.length) body.scope = { journeys, touchpoints };
  out.textContent = '';
  try {
    const r = await call('POST', '/api/reviews', body);
    const s = await r.json();
    location.hash = `#/reviews/${encodeURIComponent(s.reviewId)}`;
  } catch (e) {
    const fields = (e.body && e.body.error && e.body.error.fields) || [];
    out.textContent = fields.length ? `${t('start.failed')} ${fields.map((x) => `${x.path}: ${x.reason}`).join('; ')}` : errorText(e);
    out.className = 'error';
  }
}

function failed(out, e) {
  const fields = (e.body && e.body.error && e.body.error.fields) || [];
  out.textContent = fields.length ? `${t('actions.failed')} ${fields.map((x) => `${x.path}: ${x.reason}`).join('; ')}` : errorText(e);
  out.className = 'error';
}

// decide sends a QA decision or an appeal's: POST /api/results/{id}/approve|reject|hold
// or POST /api/appeals/{id}/decide; the queue is shown again without it.
async function decide(form, decision) {
  const out = form.querySelector('output');
  const reason = form.reason.value.trim();
  const id = encodeURIComponent(form.dataset.result);
  out.textContent = '';
  if (decision === 'reject' && !reason) {
    out.textContent = t('qa.reasonRequired');
    out.className = 'error';
    form.reason.focus();
    return;
  }
  try {
    if (form.dataset.action === 'qa-decide') {
      await call('POST', `/api/results/${id}/${decision}`, { reason });
    } else {
      const body = { decision, reason };
      if (decision === 'change') body.valuation = Number(form.valuation.value);
      await call('POST', `/api/appeals/${id}/decide`, body);
    }
    await show();
  } catch (e) {
    failed(out, e);
  }
}

async function createAction(form) {
  const out = form.querySelector('output');
  const f = new FormData(form);
  const body = {
    what: f.get('what').trim(), owner: { unit: f.get('unit'), person: f.get('person') }, due: f.get('due'),
    cost: { amount: Number(f.get('amount') || 0), currency: f.get('currency').trim().toUpperCase() },
  };
  for (const k of ['resultId', 'reviewId', 'touchpointId']) if (f.get(k)) body[k] = f.get(k);
  out.textContent = '';
  try {
    const a = await (await call('POST', '/api/actions', body)).json();
    location.hash = `#/actions/${encodeURIComponent(a.id)}`;
  } catch (e) {
    failed(out, e);
  }
}

async function moveAction(form, status) {
  const out = form.querySelector('output');
  out.textContent = '';
  try {
    await call('POST', `/api/actions/${encodeURIComponent(form.dataset.id)}/status`, { status, reason: form.reason.value.trim() });
    await show();
  } catch (e) {
    failed(out, e);
  }
}

async function download(a) {
  try {
    const r = await call('GET', a.getAttribute('href'));
    const url = URL.createObjectURL(await r.blob());
    const tmp = Object.assign(document.createElement('a'), { href: url, download: a.dataset.download });
    document.body.append(tmp);
    tmp.click();
    tmp.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (e) {
    alert(errorText(e));
  }
}

document.addEventListener('submit', (ev) => {
  const form = ev.target;
  if (form.id === 'sign-in-form') {
    ev.preventDefault();
    app.token = form.token.value.trim();
    app.notice = null;
    localStorage.setItem(K.token, app.token);
    show();
  } else if (form.dataset.action === 'start-review') {
    ev.preventDefault();
    startReview(form);
  } else if (form.dataset.action === 'qa-decide' || form.dataset.action === 'appeal-decide') {
    ev.preventDefault();
    decide(form, ev.submitter && ev.submitter.value);
  } else if (form.dataset.action === 'create-action') {
    ev.preventDefault();
    createAction(form);
  } else if (form.dataset.action === 'move-action') {
    ev.preventDefault();
    moveAction(form, ev.submitter && ev.submitter.value);
  }
});

document.addEventListener('click', (ev) => {
  const el = ev.target.closest('[data-lang],[data-download],[data-action="print"],#sign-out,button#sign-in');
  if (!el) return;
  if (el.dataset.lang) {
    app.lang = el.dataset.lang;
    localStorage.setItem(K.lang, app.lang);
    loadCatalogue().then(show);
  } else if (el.dataset.download) {
    ev.preventDefault();
    download(el);
  } else if (el.dataset.action === 'print') {
    window.print();
  } else if (el.id === 'sign-in') {
    app.session.signIn();
  } else if (el.id === 'sign-out') {
    app.token = '';
    if (managed()) {
      app.session.signOut(); // leaves for the managed login's /logout, which comes back signed out
      return;
    }
    localStorage.removeItem(K.token);
    show();
  }
});

window.addEventListener('hashchange', show);

async function boot() {
  await loadCatalogue();
  // The form's sign-in module; without it (a console served alone) the
  // console signs in as locally.
  const auth = await import('/auth.js').catch(() => null);
  if (auth) app.session = await auth.startAuth({ page: 'console', onToken: (tok) => { app.token = tok; } });
  if (managed()) {
    app.token = await app.session.token();
    const err = app.session.error;
    if (err) app.notice = [`signIn.error.${err.code}`, err.detail || ''];
  } else {
    // #token=… signs in, as in the audit form (a local dev link); the
    // token then leaves the address bar.
    const m = location.hash.match(/[#&](?:token|access_token|id_token)=([^&]+)/);
    if (m) {
      app.token = decodeURIComponent(m[1]);
      localStorage.setItem(K.token, app.token);
      history.replaceState(null, '', `${location.pathname}#/reviews`);
    }
  }
  show();
}
boot();
