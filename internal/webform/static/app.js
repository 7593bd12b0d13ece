// touchaudit's mobile audit form: sign in, the auditor's assignments, and
// per assignment the instructions, step timers, the criteria checklist and
// the submission. Plain ES modules, no framework. The walk in progress is
// kept in localStorage on every change (it survives a reload and days
// offline) and drafted to the server; writes go through the Outbox.

import { texts, statuses, channels, steps as stepInfo, outcomes, defaultLang, fill, pick } from './i18n.js';
import { Outbox, api, uuid, ApiError, AuthError, RetryError } from './outbox.js';
import { startAuth } from './auth.js';

const K = {
  token: 'ta.token',
  lang: 'ta.lang',
  list: 'ta.list',
  view: (id) => `ta.view.${id}`,
  walk: (id) => `ta.walk.${id}`,
  // Promise-check answers live apart from the walk: a check may be answered
  // on a phone that never held the walk (a new phone, cleared storage).
  answers: (id) => `ta.answers.${id}`,
};

// DRAFT_DELAY_MS batches bursts of taps into one draft upload.
const DRAFT_DELAY_MS = 1500;
const CHANNEL_KEYS = ['ivr', 'phone', 'web_form', 'mobile_app', 'chat', 'email', 'branch'];
const STEP_KEY = /^[a-z][a-z0-9_]{0,39}$/;

const app = {
  lang: localStorage.getItem(K.lang) || defaultLang(navigator.language),
  token: localStorage.getItem(K.token) || '',
  me: null,
  view: null, // the AssignmentView on screen
  draftTimer: 0,
  message: '',
};

function t(key, args) {
  return fill(texts[app.lang][key] || texts.en[key] || key, args);
}

function getJSON(key) {
  try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
}

function setJSON(key, v) {
  localStorage.setItem(key, JSON.stringify(v));
}

// h builds an element: h('button', {class: 'big', onclick: fn}, 'Start').
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'for') el.htmlFor = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
const ICONS = {
  ivr: ['M6 5.5h.01M12 5.5h.01M18 5.5h.01M6 11h.01M12 11h.01M18 11h.01M6 16.5h.01M12 16.5h.01M18 16.5h.01M12 21h.01'],
  phone: ['M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z'],
  web_form: ['M5 3h14v18H5z', 'M8 8h8M8 12h8M8 16h5'],
  mobile_app: ['M7 2h10v20H7z', 'M11 18h2'],
  chat: ['M4 4h16v12H10l-6 4z', 'M8 9h8M8 12h5'],
  email: ['M3 5h18v14H3z', 'M3 6l9 7 9-7'],
  branch: ['M2 9l10-6 10 6z', 'M4 21h16M5 10v11M19 10v11M10 21v-6h4v6'],
};

function channelIcon(ch) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  for (const d of ICONS[ch] || ICONS.web_form) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', d);
    svg.append(p);
  }
  return svg;
}

function channelName(ch) {
  return pick(channels[ch] && channels[ch].name, app.lang) || ch;
}

function stepName(key) {
  return stepInfo[key] ? pick(stepInfo[key].name, app.lang) : key;
}

function fmtDate(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(app.lang === 'pl' ? 'pl-PL' : 'en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}

function fmtTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString(app.lang === 'pl' ? 'pl-PL' : 'en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

// fmtElapsed shows a step's length: 0:42, 12:05, 1:02:03 or "2 d 03:04:05".
function fmtElapsed(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const p = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${d} d ${p(hh)}:${p(mm)}:${p(ss)}`;
  if (hh > 0) return `${hh}:${p(mm)}:${p(ss)}`;
  return `${mm}:${p(ss)}`;
}

// fmtDuration shows a standard's duration ("3m0s", "45s", "7d") for people.
function fmtDuration(s) {
  let ms = parseDuration(s);
  const parts = [];
  for (const [unit, size] of [['d', 86400000], ['h', 3600000], ['min', 60000], ['s', 1000]]) {
    const n = Math.floor(ms / size);
    if (n > 0) parts.push(`${n} ${unit}`);
    ms -= n * size;
  }
  return parts.join(' ') || '0 s';
}

// parseDuration reads the standard's durations: "90s", "24h", "3d", "1d12h".
function parseDuration(s) {
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(d|h|ms|m|s)/g;
  let m;
  while ((m = re.exec(String(s || '')))) {
    const n = parseFloat(m[1]);
    ms += n * { d: 86400000, h: 3600000, m: 60000, s: 1000, ms: 1 }[m[2]];
  }
  return ms;
}

function nowISO() {
  return new Date().toISOString();
}

// toLocalInput and fromLocalInput convert between ISO times and the value
// of <input type="datetime-local">, which is in local time.
function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function fromLocalInput(v) {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

// ---------------------------------------------------------------- outbox ----

const outbox = new Outbox({
  send: sendWrite,
  onChange: renderPending,
  onDone: writeDone,
  onRejected: writeRejected,
  onAuth: () => {
    app.message = t('badToken');
    signOut(false);
  },
});

function path(id, suffix = '') {
  return `/api/assignments/${encodeURIComponent(id)}${suffix}`;
}

async function sendWrite(item) {
  const id = item.assignmentId;
  switch (item.kind) {
    case 'start':
      return api(app.token, 'POST', path(id, '/start'), { startedAt: item.startedAt });
    case 'draft': {
      const ws = loadWalk(id);
      const view = getJSON(K.view(id));
      if (!ws || ws.submission || !view) return null; // nothing left to draft
      item.snapshotAt = ws.updatedAt;
      const body = () => ({ version: ws.version || 0, draft: walkBody(ws, view, true) });
      try {
        return await api(app.token, 'PUT', path(id, '/draft'), body());
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 409) throw err;
        // Stale version: this phone holds the walk, so read the current
        // version and save again.
        const fresh = await api(app.token, 'GET', path(id));
        cacheView(fresh);
        if (!['assigned', 'started'].includes(fresh.assignment.status)) return null;
        ws.version = fresh.assignment.version;
        saveWalk(ws, false);
        return api(app.token, 'PUT', path(id, '/draft'), body());
      }
    }
    case 'submit': {
      const ws = loadWalk(id);
      const s = ws && ws.submission;
      if (!s) return null;
      // Same submissionId and walk on every retry; clientSentAt is when this
      // attempt leaves the phone.
      return api(app.token, 'POST', path(id, '/submit'), { submissionId: s.id, clientSentAt: nowISO(), walkthrough: s.walk });
    }
    case 'promise':
      return api(app.token, 'POST', path(id, `/promises/${encodeURIComponent(item.promiseId)}`), { outcome: item.outcome });
    default:
      return null;
  }
}

function writeDone(item, result) {
  const id = item.assignmentId;
  const ws = loadWalk(id);
  if (result && result.assignment) cacheView(result);
  if (ws && result && result.assignment && !ws.submission) {
    ws.version = result.assignment.version;
    if (item.kind === 'draft') {
      ws.draftSavedAt = nowISO();
      // Changes made while the draft was on its way still need a draft.
      if (ws.updatedAt === item.snapshotAt) ws.dirty = false;
    }
    setJSON(K.walk(ws.assignmentId), ws);
  }
  if (item.kind === 'submit' && ws && ws.submission) {
    ws.submission.receipt = result && result.receipt;
    ws.submission.syncedAt = nowISO();
    saveWalk(ws, false);
    // The workflow moves on to scoring: show the server's status.
    if (onAssignment(id)) refreshAssignment(id);
  }
  if (item.kind === 'promise') setPromiseAnswer(id, item.promiseId, { outcome: item.outcome, synced: true });
  if (onAssignment(id)) {
    if (item.kind === 'draft') renderDraftState(ws);
    else if (item.kind !== 'submit') renderAssignment();
    else renderSyncState();
  }
}

function writeRejected(item, err) {
  const id = item.assignmentId;
  if (item.kind === 'promise') {
    setPromiseAnswer(id, item.promiseId, { outcome: item.outcome, error: errorText(err) });
    if (onAssignment(id)) renderAssignment();
    return;
  }
  const ws = loadWalk(id);
  if (!ws) return;
  if (item.kind === 'submit' && ws.submission) {
    ws.submission.error = errorText(err);
    saveWalk(ws, false);
  } else if (item.kind === 'start') {
    ws.startError = errorText(err);
    saveWalk(ws, false);
  }
  if (onAssignment(id) && item.kind !== 'draft') renderAssignment();
}

function errorText(err) {
  if (err instanceof ApiError) {
    const f = err.fields.map((x) => `${x.path}: ${x.reason}`).join('; ');
    return f ? `${err.message} (${f})` : err.message;
  }
  return String(err && err.message || err);
}

function onAssignment(id) {
  return app.view && app.view.assignment.id === id && location.hash.startsWith('#/a/');
}

function renderPending() {
  const n = outbox.count();
  const el = document.getElementById('pending');
  if (el) {
    el.textContent = t('pending', { n });
    el.dataset.count = String(n);
    el.classList.toggle('has-pending', n > 0);
  }
  const net = document.getElementById('network');
  if (net) {
    net.textContent = navigator.onLine ? t('online') : t('offline');
    net.classList.toggle('offline', !navigator.onLine);
  }
  if (app.view) renderSyncState();
}

// ------------------------------------------------------------ walk state ----

function loadWalk(id) {
  return getJSON(K.walk(id));
}

// promiseAnswers are this phone's answers to an assignment's promise checks,
// by promise id: {outcome, synced?, error?}. Answers kept inside the walk by
// an earlier version of the form are still read.
function promiseAnswers(id) {
  const ws = loadWalk(id);
  return { ...((ws && ws.promiseAnswers) || {}), ...(getJSON(K.answers(id)) || {}) };
}

function setPromiseAnswer(id, promiseId, answer) {
  setJSON(K.answers(id), { ...(getJSON(K.answers(id)) || {}), [promiseId]: answer });
}

// saveWalk keeps the walk on the phone and, when it changed by the
// auditor's hand, schedules a draft upload.
function saveWalk(ws, draft = true) {
  ws.updatedAt = nowISO();
  // dirty survives a reload that comes before the draft timer fires.
  if (draft && !ws.submission) ws.dirty = true;
  setJSON(K.walk(ws.assignmentId), ws);
  if (draft && !ws.submission) {
    const el = document.getElementById('draft-state');
    if (el) el.textContent = t('draftLocal');
    clearTimeout(app.draftTimer);
    app.draftTimer = setTimeout(() => {
      const cur = loadWalk(ws.assignmentId);
      if (cur && !cur.submission) outbox.add({ kind: 'draft', assignmentId: ws.assignmentId });
    }, DRAFT_DELAY_MS);
  }
}

function cacheView(view) {
  if (!view || !view.assignment) return;
  const old = getJSON(K.view(view.assignment.id));
  // Only the detail carries criteria; keep them when a shorter answer comes.
  if (old && (!view.criteria || view.criteria.length === 0) && old.criteria && old.criteria.length) {
    view = { ...view, criteria: old.criteria };
  }
  setJSON(K.view(view.assignment.id), view);
  if (app.view && app.view.assignment.id === view.assignment.id) app.view = view;
}

// plannedSteps are the step keys the touchpoint's timing criteria measure.
function plannedSteps(view) {
  const keys = [];
  for (const c of view.criteria || []) {
    if (c.kind !== 'timing' || !c.timing) continue;
    for (const k of [c.timing.step, c.timing.from, c.timing.to]) {
      if (k && !keys.includes(k)) keys.push(k);
    }
  }
  return keys;
}

function defaultChannel(key, view) {
  const info = stepInfo[key];
  return (info && info.channel) || view.touchpoint.channel;
}

function newStep(key, channel) {
  return { key, channel, start: '', end: '', pauses: [], note: '' };
}

// newWalk starts local state, from the server's draft when there is one
// (the walk was begun on another phone, or local storage was cleared).
function newWalk(view, startedAt) {
  const a = view.assignment;
  const ws = {
    assignmentId: a.id,
    version: a.version,
    startedAt: startedAt || a.startedAt || nowISO(),
    steps: plannedSteps(view).map((k) => newStep(k, defaultChannel(k, view))),
    answers: {},
    facts: {},
    promises: [],
    resolved: null,
    notes: '',
    submission: null,
  };
  const d = a.draft;
  if (d) {
    for (const s of d.timeline || []) {
      const st = ws.steps.find((x) => x.key === s.key) || (ws.steps.push(newStep(s.key, s.channel)), ws.steps[ws.steps.length - 1]);
      st.channel = s.channel;
      st.start = clientOf(s.start);
      st.end = clientOf(s.end);
      st.pauses = (s.pauses || []).map((p) => ({ start: clientOf(p.start), end: clientOf(p.end) })).filter((p) => p.start && p.end);
      st.note = s.note || '';
    }
    for (const x of d.answers || []) ws.answers[x.criterionId] = { value: x.value || '', count: x.count ?? null, note: x.note || '' };
    for (const c of view.criteria || []) {
      if (c.kind === 'fact' && c.fact) {
        const f = (d.facts || []).find((x) => x.key === c.fact.key);
        if (f) ws.facts[c.id] = f.value;
      }
    }
    ws.promises = (d.promises || []).map((p) => ({ id: p.id, criterionId: p.criterionId || '', text: p.text, madeAt: p.madeAt, dueAt: p.dueAt }));
    ws.resolved = d.resolved;
    ws.notes = d.notes || '';
  }
  return ws;
}

function clientOf(stamp) {
  if (!stamp || !stamp.client || stamp.client.startsWith('0001-')) return '';
  return stamp.client;
}

function stepState(s) {
  if (!s.start) return 'idle';
  if (s.end) return 'done';
  const last = s.pauses[s.pauses.length - 1];
  return last && !last.end ? 'paused' : 'running';
}

function stepElapsed(s, now = Date.now()) {
  if (!s.start) return 0;
  const end = s.end ? Date.parse(s.end) : now;
  let ms = end - Date.parse(s.start);
  for (const p of s.pauses) ms -= (p.end ? Date.parse(p.end) : now) - Date.parse(p.start);
  return ms;
}

// walkBody is the allow-listed Walk of the API. A draft may hold running
// steps (no end yet) and leaves out an unfinished pause.
function walkBody(ws, view, draft) {
  const stamp = (iso) => ({ client: iso });
  const timeline = [];
  for (const s of ws.steps) {
    if (!s.start || (!draft && !s.end)) continue;
    const st = { key: s.key, channel: s.channel, start: stamp(s.start) };
    if (s.end) st.end = stamp(s.end);
    const pauses = s.pauses.filter((p) => p.start && p.end).map((p) => ({ start: stamp(p.start), end: stamp(p.end) }));
    if (pauses.length) st.pauses = pauses;
    if (s.note) st.note = s.note;
    timeline.push(st);
  }
  const answers = [];
  const facts = [];
  for (const c of view.criteria || []) {
    const a = ws.answers[c.id] || {};
    if (c.kind === 'effort') {
      if (a.count !== null && a.count !== undefined) answers.push(withNote({ criterionId: c.id, count: a.count }, a.note));
    } else if (['step', 'exceed', 'promise'].includes(c.kind)) {
      if (a.value) answers.push(withNote({ criterionId: c.id, value: a.value }, a.note));
    } else if (c.kind === 'fact' && c.fact) {
      const v = (ws.facts[c.id] || '').trim();
      if (v) facts.push({ key: c.fact.key, value: v, channel: view.touchpoint.channel });
    }
  }
  const promises = ws.promises
    .filter((p) => p.text.trim() && p.dueAt && (!p.criterionId || (ws.answers[p.criterionId] || {}).value === 'yes'))
    .map((p) => {
      const out = { id: p.id, text: p.text.trim(), madeAt: p.madeAt, dueAt: p.dueAt };
      if (p.criterionId) out.criterionId = p.criterionId;
      return out;
    });
  const w = { resolved: ws.resolved === true, timeline, answers };
  if (facts.length) w.facts = facts;
  if (promises.length) w.promises = promises;
  if (ws.notes.trim()) w.notes = ws.notes.trim();
  return w;
}

function withNote(a, note) {
  if (note && note.trim()) a.note = note.trim();
  return a;
}

// ----------------------------------------------------------------- views ----

function main() {
  return document.getElementById('view');
}

function show(...nodes) {
  main().replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
}

function renderChrome() {
  document.documentElement.lang = app.lang;
  document.title = t('appName');
  const toggle = document.getElementById('lang-toggle');
  toggle.textContent = t('langToggle');
  toggle.setAttribute('aria-label', t('langToggleLabel'));
  toggle.setAttribute('lang', app.lang === 'pl' ? 'en' : 'pl');
  renderPending();
}

function route() {
  renderChrome();
  clearInterval(app.ticker);
  app.view = null;
  if (!app.token) return renderSignIn();
  const m = location.hash.match(/^#\/a\/(.+)$/);
  if (m) return openAssignment(decodeURIComponent(m[1]));
  return renderList();
}

// session is how people sign in (auth.js): 'dev' pastes a token, 'cognito'
// goes to the managed login.
let session = { mode: 'dev' };

function renderSignIn() {
  if (session.mode === 'cognito') {
    return show(h('div', { id: 'sign-in-form', class: 'card' },
      h('h1', {}, t('signInTitle')),
      h('button', { id: 'sign-in', type: 'button', class: 'big primary', onclick: () => session.signIn() }, t('signIn')),
      h('p', { id: 'sign-in-message', class: 'message', role: 'alert' }, app.message)));
  }
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true });
  const msg = h('p', { id: 'sign-in-message', class: 'message', role: 'alert' }, app.message);
  const form = h('form', { id: 'sign-in-form', class: 'card', onsubmit: (e) => { e.preventDefault(); signIn(input.value.trim(), msg); } },
    h('h1', {}, t('signInTitle')),
    h('p', { class: 'help' }, t('signInHelp')),
    h('label', { for: 'token' }, t('token')),
    input,
    h('button', { id: 'sign-in', type: 'submit', class: 'big primary' }, t('signIn')),
    msg,
  );
  show(form);
  input.focus();
}

async function signIn(token, msg) {
  if (!token) return;
  app.token = token;
  app.message = '';
  localStorage.setItem(K.token, token);
  try {
    app.me = await api(token, 'GET', '/api/me');
  } catch (err) {
    if (err instanceof RetryError) {
      msg.textContent = t('offlineSignIn');
    } else {
      app.token = '';
      localStorage.removeItem(K.token);
      msg.textContent = t('badToken');
      return;
    }
  }
  outbox.resumeAfterSignIn();
  if (location.hash.startsWith('#/a/')) route();
  else location.hash = '#/';
  if (location.hash === '#/') route();
}

function signOut(clearToken = true) {
  if (clearToken && session.mode === 'cognito') return session.signOut();
  if (clearToken) app.message = '';
  app.token = '';
  app.me = null;
  localStorage.removeItem(K.token);
  // Walks and queued writes stay: the next sign-in sends them.
  route();
}

function statusBadge(status, id) {
  return h('span', { class: `badge status-${status}`, id, 'data-status': status }, pick(statuses[status], app.lang) || status);
}

// localStatus shows a submission still waiting in the outbox.
function localStatus(a) {
  const ws = loadWalk(a.id);
  if (ws && ws.submission && !ws.submission.syncedAt && !ws.submission.error) return 'queued';
  if (ws && a.status === 'assigned' && ws.startedAt) return 'started';
  return a.status;
}

async function renderList() {
  show(h('p', { class: 'loading' }, t('loading')));
  let list = getJSON(K.list);
  let offline = false;
  try {
    const all = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const r = await api(app.token, 'GET', `/api/assignments${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
      all.push(...(r.assignments || []));
      cursor = r.nextCursor;
      if (!cursor) break;
    }
    list = all;
    setJSON(K.list, list);
    for (const v of list) cacheView(v);
    if (!app.me) app.me = await api(app.token, 'GET', '/api/me').catch(() => null);
  } catch (err) {
    if (err instanceof AuthError) { app.message = t('badToken'); return signOut(false); }
    if (!list) return show(h('p', { class: 'message', role: 'alert' }, t('loadFailed', { msg: errorText(err) })));
    offline = true;
  }
  if (location.hash.startsWith('#/a/')) return; // the auditor moved on meanwhile
  const items = list.map((v) => {
    const a = v.assignment;
    const tp = v.touchpoint;
    return h('li', {},
      h('a', { class: 'assignment-card', href: `#/a/${encodeURIComponent(a.id)}`, 'data-assignment-id': a.id, 'data-touchpoint-id': tp.id },
        h('span', { class: `channel channel-${tp.channel}` }, channelIcon(tp.channel), h('span', { class: 'channel-name' }, channelName(tp.channel))),
        h('span', { class: 'assignment-name' }, pick(tp.name, app.lang)),
        h('span', { class: 'assignment-meta' },
          h('span', {}, t('due', { date: fmtDate(a.due) })),
          statusBadge(localStatus(a))),
        h('span', { class: 'assignment-journey' }, t('journey', { name: pick(v.journey, app.lang) || v.journeyId })),
      ));
  });
  show(
    h('div', { class: 'title-row' },
      h('h1', {}, t('assignmentsTitle')),
      h('button', { id: 'refresh', type: 'button', class: 'secondary', onclick: renderList }, t('refresh'))),
    h('p', { class: 'signed-in' },
      h('span', { class: 'help', id: 'signed-in-as' }, app.me ? t('signedInAs', { name: app.me.name }) : ''),
      h('button', { id: 'sign-out', type: 'button', class: 'secondary small', onclick: () => signOut(true) }, t('signOut'))),
    offline ? h('p', { class: 'message' }, t('offlineCached')) : null,
    items.length ? h('ul', { id: 'assignments', class: 'assignments' }, items) : h('p', { id: 'assignments-empty' }, t('noAssignments')),
  );
}

async function openAssignment(id) {
  const cached = getJSON(K.view(id));
  if (cached && cached.criteria && cached.criteria.length) {
    app.view = cached;
    renderAssignment();
  } else {
    show(h('p', { class: 'loading' }, t('loading')));
  }
  await refreshAssignment(id, !cached);
}

async function refreshAssignment(id, mustLoad = false) {
  try {
    const v = await api(app.token, 'GET', path(id));
    cacheView(v);
    if (!location.hash.startsWith('#/a/') || decodeURIComponent(location.hash.slice(4)) !== id) return;
    app.view = getJSON(K.view(id));
    renderAssignment();
  } catch (err) {
    if (err instanceof AuthError) { app.message = t('badToken'); return signOut(false); }
    if (mustLoad) show(backLink(), h('p', { class: 'message', role: 'alert' }, t('loadFailed', { msg: errorText(err) })));
  }
}

function backLink() {
  return h('a', { id: 'back', class: 'back', href: '#/' }, t('back'));
}

// renderAssignment draws the whole assignment. It runs when the walk's
// shape changes (started, a step added, submitted); taps inside a section
// update only that section, so typing never loses focus.
function renderAssignment() {
  const v = app.view;
  if (!v) return;
  const a = v.assignment;
  const tp = v.touchpoint;
  let ws = loadWalk(a.id);
  if (!ws && a.status === 'started') {
    ws = newWalk(v);
    saveWalk(ws, false);
  }
  const editable = ws && !ws.submission && ['assigned', 'started'].includes(a.status);
  const scrollY = window.scrollY;
  const ch = channels[tp.channel];
  const parts = [
    backLink(),
    h('h1', { id: 'touchpoint-name' }, pick(tp.name, app.lang)),
    h('p', { class: 'assignment-meta' },
      h('span', { class: `channel channel-${tp.channel}` }, channelIcon(tp.channel), h('span', { class: 'channel-name' }, channelName(tp.channel))),
      statusBadge(localStatus(a), 'assignment-status'),
      h('span', {}, t('due', { date: fmtDate(a.due) }))),
    h('p', { class: 'help' }, t('journey', { name: pick(v.journey, app.lang) || v.journeyId }), ' · ', t('walkNo', { n: a.walk })),
    // Where the submission stands, at the top where the auditor looks.
    h('div', { id: 'sync-status', class: 'sync-status', role: 'status', 'aria-live': 'polite' }),
    h('section', { class: 'card instructions', 'aria-labelledby': 'instructions-title' },
      h('h2', { id: 'instructions-title' }, t('instructionsTitle')),
      h('p', { id: 'instructions' }, pick(tp.instructions, app.lang)),
      ch ? h('p', { id: 'channel-hint', class: 'hint' }, h('strong', {}, t('channelHintTitle', { channel: channelName(tp.channel) })), ' ', pick(ch.hint, app.lang)) : null),
    renderPromiseChecks(v, ws),
  ];
  if (!ws) {
    if (a.status === 'assigned') {
      parts.push(h('button', { id: 'start-walk', type: 'button', class: 'big primary start', onclick: () => startWalk(v) }, t('startWalk')));
    } else {
      // Not an error: the walk was sent (perhaps from another phone) or closed.
      parts.push(h('p', { class: 'help', id: 'read-only' }, t('readOnly', { status: pick(statuses[a.status], app.lang) || a.status })));
    }
  } else {
    parts.push(h('p', { class: 'help', id: 'walk-started' }, t('walkStarted', { time: fmtTime(ws.startedAt) })));
    if (ws.startError) parts.push(h('p', { class: 'message', role: 'alert' }, ws.startError));
    parts.push(renderTimers(v, ws, editable));
    parts.push(renderChecklist(v, ws, editable));
    if (editable) {
      parts.push(h('p', { id: 'submit-message', class: 'message', role: 'alert' }));
      parts.push(h('button', { id: 'submit', type: 'button', class: 'big primary', onclick: () => submitWalk(v) }, t('submit')));
      parts.push(h('p', { id: 'draft-state', class: 'help', 'aria-live': 'polite' }, ws.draftSavedAt ? t('draftSaved', { time: fmtTime(ws.draftSavedAt) }) : ''));
    }
  }
  show(...parts);
  renderSyncState();
  window.scrollTo(0, scrollY);
  clearInterval(app.ticker);
  app.ticker = setInterval(tickTimers, 1000);
}

function renderDraftState(ws) {
  const el = document.getElementById('draft-state');
  if (el && ws && ws.draftSavedAt) el.textContent = t('draftSaved', { time: fmtTime(ws.draftSavedAt) });
}

// renderSyncState tells the auditor where their submission is.
function renderSyncState() {
  const el = document.getElementById('sync-status');
  if (!el || !app.view) return;
  const ws = loadWalk(app.view.assignment.id);
  const s = ws && ws.submission;
  el.replaceChildren();
  el.className = 'sync-status';
  if (!s) return;
  if (s.error) {
    el.classList.add('error');
    el.append(h('p', { id: 'submit-rejected' }, t('submitRejected', { msg: s.error })));
  } else if (s.syncedAt) {
    el.classList.add('synced');
    const r = s.receipt || {};
    el.append(h('p', { id: 'submit-synced' }, t('submitSynced', { id: r.walkthroughId || s.id, time: fmtTime(r.recordedAt || s.syncedAt) })));
  } else {
    el.classList.add('queued');
    el.append(h('p', { id: 'submit-queued' }, t('submitQueued'), ' ', h('strong', {}, t('pending', { n: outbox.count() }))));
  }
}

function startWalk(view) {
  const ws = newWalk(view, nowISO());
  saveWalk(ws, false);
  outbox.add({ kind: 'start', assignmentId: view.assignment.id, startedAt: ws.startedAt });
  renderAssignment();
  const first = document.querySelector('.timer .timer-start');
  if (first) first.focus();
}

// ---------------------------------------------------------------- timers ----

function timingFor(view, key) {
  return (view.criteria || []).filter((c) => c.kind === 'timing' && c.timing && [c.timing.step, c.timing.from, c.timing.to].includes(key));
}

function renderTimers(view, ws, editable) {
  const list = h('div', { id: 'timer-list', class: 'timers' }, ws.steps.map((s) => renderStep(view, ws, s, editable)));
  const section = h('section', { class: 'card', id: 'timers', 'aria-labelledby': 'timers-title' },
    h('h2', { id: 'timers-title' }, t('timersTitle')),
    h('p', { class: 'help' }, t('timersHelp')),
    h('p', { id: 'timer-announce', class: 'visually-hidden', 'aria-live': 'polite' }),
    list);
  if (editable) {
    const keyInput = h('input', { id: 'new-step-key', list: 'step-keys', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' });
    const chSelect = channelSelect('new-step-channel', view.touchpoint.channel);
    const msg = h('p', { class: 'message', role: 'alert', id: 'add-step-message' });
    section.append(h('details', { class: 'add-step', id: 'add-step-panel' },
      h('summary', {}, t('addStepTitle')),
      h('label', { for: 'new-step-key' }, t('addStepKey')),
      keyInput,
      h('datalist', { id: 'step-keys' }, Object.keys(stepInfo).map((k) => h('option', { value: k }, stepName(k)))),
      h('label', { for: 'new-step-channel' }, t('stepChannel')),
      chSelect,
      h('button', { id: 'add-step', type: 'button', class: 'secondary', onclick: () => {
        const key = keyInput.value.trim();
        if (!STEP_KEY.test(key)) { msg.textContent = t('stepKeyBad'); return; }
        const cur = loadWalk(ws.assignmentId);
        if (cur.steps.some((s) => s.key === key)) { msg.textContent = t('stepKeyDup'); return; }
        const s = newStep(key, chSelect.value);
        cur.steps.push(s);
        saveWalk(cur);
        list.append(renderStep(view, cur, s, true));
        keyInput.value = '';
        msg.textContent = '';
        const btn = document.getElementById(`timer-${key}-start`);
        if (btn) btn.focus();
      } }, t('addStep')),
      msg));
  }
  return section;
}

function channelSelect(id, value, onchange, disabled) {
  return h('select', { id, onchange, disabled }, CHANNEL_KEYS.map((c) => h('option', { value: c, selected: c === value }, channelName(c))));
}

function renderStep(view, ws, s, editable) {
  const key = s.key;
  const state = stepState(s);
  const info = stepInfo[key];
  const act = (fn) => () => {
    const cur = loadWalk(ws.assignmentId);
    const st = cur.steps.find((x) => x.key === key);
    fn(st, nowISO());
    saveWalk(cur);
    const card = document.getElementById(`timer-${key}`);
    const fresh = renderStep(view, cur, st, true);
    card.replaceWith(fresh);
    const ann = document.getElementById('timer-announce');
    const newState = stepState(st);
    if (ann) ann.textContent = t('stepAnnounce', { step: stepName(key), state: stateText(st) });
    const next = fresh.querySelector(newState === 'idle' ? '.timer-start' : newState === 'running' ? '.timer-stop' : newState === 'paused' ? '.timer-resume' : '.timer-state');
    if (next) next.focus();
  };
  const buttons = [];
  if (editable) {
    if (state === 'idle') {
      buttons.push(h('button', { type: 'button', id: `timer-${key}-start`, class: 'big timer-start', onclick: act((st, now) => { st.start = now; }) }, t('stepStart')));
    }
    if (state === 'running') {
      buttons.push(h('button', { type: 'button', id: `timer-${key}-pause`, class: 'big secondary timer-pause', onclick: act((st, now) => { st.pauses.push({ start: now, end: '' }); }) }, t('stepPause')));
    }
    if (state === 'paused') {
      buttons.push(h('button', { type: 'button', id: `timer-${key}-resume`, class: 'big secondary timer-resume', onclick: act((st, now) => { st.pauses[st.pauses.length - 1].end = now; }) }, t('stepResume')));
    }
    if (state === 'running' || state === 'paused') {
      buttons.push(h('button', { type: 'button', id: `timer-${key}-stop`, class: 'big stop timer-stop', onclick: act((st, now) => {
        const last = st.pauses[st.pauses.length - 1];
        if (last && !last.end) last.end = now;
        st.end = now;
      }) }, t('stepStop')));
    }
    if (state !== 'idle') {
      buttons.push(h('button', { type: 'button', id: `timer-${key}-reset`, class: 'secondary small timer-reset', onclick: act((st) => { st.start = ''; st.end = ''; st.pauses = []; }) }, t('stepReset')));
    }
  }
  const targets = timingFor(view, key).map((c) => h('li', {}, `${pick(c.label, app.lang)}: ${t('timingTarget', { target: fmtDuration(c.timing.target), limit: fmtDuration(c.timing.limit) })}`));
  return h('div', { class: `timer timer-${state}`, id: `timer-${key}`, 'data-step': key, 'data-state': state },
    h('div', { class: 'timer-head' },
      h('h3', { class: 'timer-name' }, stepName(key), h('span', { class: 'step-key' }, key)),
      h('span', { class: 'timer-elapsed', id: `timer-${key}-elapsed`, role: 'timer', 'aria-label': stepName(key) }, fmtElapsed(stepElapsed(s)))),
    h('p', { class: 'timer-state', id: `timer-${key}-state`, tabindex: '-1' }, stateText(s)),
    info ? h('p', { class: 'hint' }, t('stepStartsAt', { from: pick(info.from, app.lang) }), ' · ', t('stepStopsAt', { to: pick(info.to, app.lang) })) : null,
    targets.length ? h('ul', { class: 'targets' }, targets) : null,
    h('div', { class: 'timer-buttons' }, buttons),
    h('details', { class: 'timer-extra', open: !!s.note || s.channel !== defaultChannel(key, view) },
      h('summary', {}, t('stepMore', { channel: channelName(s.channel) })),
      h('label', { for: `timer-${key}-channel` }, t('stepChannel')),
      channelSelect(`timer-${key}-channel`, s.channel, (e) => {
        const cur = loadWalk(ws.assignmentId);
        cur.steps.find((x) => x.key === key).channel = e.target.value;
        saveWalk(cur);
      }, !editable),
      h('label', { for: `timer-${key}-note` }, t('stepNote')),
      h('input', { id: `timer-${key}-note`, value: s.note, disabled: !editable, oninput: (e) => {
        const cur = loadWalk(ws.assignmentId);
        cur.steps.find((x) => x.key === key).note = e.target.value;
        saveWalk(cur);
      } })));
}

function stateText(s) {
  const state = stepState(s);
  if (state === 'done') return t('stepDone', { time: fmtElapsed(stepElapsed(s)) });
  return t({ idle: 'stepIdle', running: 'stepRunning', paused: 'stepPaused' }[state]);
}

function tickTimers() {
  if (!app.view) return;
  const ws = loadWalk(app.view.assignment.id);
  if (!ws) return;
  const now = Date.now();
  for (const s of ws.steps) {
    if (stepState(s) !== 'running') continue;
    const el = document.getElementById(`timer-${s.key}-elapsed`);
    if (el) el.textContent = fmtElapsed(stepElapsed(s, now));
  }
}

// ------------------------------------------------------------- checklist ----

const GROUPS = [
  ['step', { pl: 'Standard obsługi', en: 'Service standard' }],
  ['effort', { pl: 'Wysiłek klienta', en: 'Customer effort' }],
  ['fact', { pl: 'Fakty (co usłyszałeś)', en: 'Facts (what you were told)' }],
  ['promise', { pl: 'Obietnice', en: 'Promises' }],
  ['exceed', { pl: 'Ponad oczekiwania', en: 'Beyond expectations' }],
];

function updateWalk(id, fn) {
  const ws = loadWalk(id);
  fn(ws);
  saveWalk(ws);
  return ws;
}

function renderChecklist(view, ws, editable) {
  const id = ws.assignmentId;
  const section = h('section', { class: 'card', id: 'checklist', 'aria-labelledby': 'checklist-title' }, h('h2', { id: 'checklist-title' }, t('checklistTitle')));
  for (const [kind, title] of GROUPS) {
    const cs = (view.criteria || []).filter((c) => c.kind === kind);
    if (!cs.length) continue;
    section.append(h('h3', { class: 'group-title' }, pick(title, app.lang)));
    for (const c of cs) section.append(renderCriterion(view, ws, c, editable));
  }
  // Promises no criterion asked for ("we'll send you the form by email").
  const others = h('div', { id: 'other-promises' }, ws.promises.filter((p) => !p.criterionId).map((p) => promiseFields(id, p, editable, true)));
  section.append(h('h3', { class: 'group-title' }, t('otherPromisesTitle')), others);
  if (editable) {
    section.append(h('button', { type: 'button', id: 'add-promise', class: 'secondary', onclick: () => {
      const p = { id: `p-${uuid()}`, criterionId: '', text: '', madeAt: nowISO(), dueAt: new Date(Date.now() + 86400000).toISOString() };
      updateWalk(id, (w) => w.promises.push(p));
      const f = promiseFields(id, p, true, true);
      others.append(f);
      f.querySelector('input').focus();
    } }, t('addPromise')));
  }
  section.append(
    choiceGroup('resolved', t('resolvedTitle'), [['yes', t('yes')], ['no', t('no')]],
      ws.resolved === null || ws.resolved === undefined ? '' : ws.resolved ? 'yes' : 'no', editable,
      (v) => updateWalk(id, (w) => { w.resolved = v === 'yes'; })),
    h('label', { for: 'notes' }, t('notes')),
    h('textarea', { id: 'notes', rows: '4', maxlength: '8000', disabled: !editable, oninput: (e) => updateWalk(id, (w) => { w.notes = e.target.value; }) }, ws.notes),
  );
  return section;
}

// choiceGroup is a radio group drawn as big buttons.
function choiceGroup(name, legend, options, value, editable, onpick, badges = []) {
  return h('fieldset', { class: 'criterion choice', id: `group-${name}` },
    h('legend', {}, legend, ...badges),
    h('div', { class: 'choices' }, options.map(([v, text]) => h('label', { class: `choice-${v}`, for: `${name}-${v}` },
      h('input', { type: 'radio', name, id: `${name}-${v}`, value: v, checked: v === value, disabled: !editable, onchange: () => onpick(v) }),
      h('span', {}, text)))));
}

function badgesFor(c) {
  const out = [];
  if (c.critical) out.push(h('span', { class: 'badge critical' }, t('critical')));
  if (c.kind === 'exceed' && c.exceed) out.push(h('span', { class: 'badge exceed' }, t('exceedBadge', { n: c.exceed.level })));
  return out;
}

function noteField(id, c, a, editable) {
  return h('details', { class: 'note', open: !!(a && a.note) },
    h('summary', {}, t('note')),
    h('label', { for: `note-${c.id}`, class: 'visually-hidden' }, `${t('note')}: ${pick(c.label, app.lang)}`),
    h('input', { id: `note-${c.id}`, value: (a && a.note) || '', disabled: !editable, oninput: (e) => updateWalk(id, (w) => {
      w.answers[c.id] = { ...(w.answers[c.id] || {}), note: e.target.value };
    }) }));
}

const YNNA = () => [['yes', t('yes')], ['no', t('no')], ['na', t('na')]];

function renderCriterion(view, ws, c, editable) {
  const id = ws.assignmentId;
  const a = ws.answers[c.id] || {};
  const label = pick(c.label, app.lang);
  if (c.kind === 'step' || c.kind === 'exceed') {
    const g = choiceGroup(`answer-${c.id}`, label, YNNA(), a.value || '', editable,
      (v) => updateWalk(id, (w) => { w.answers[c.id] = { ...(w.answers[c.id] || {}), value: v }; }), badgesFor(c));
    g.dataset.criterion = c.id;
    g.append(noteField(id, c, a, editable));
    return g;
  }
  if (c.kind === 'effort') {
    const out = h('output', { id: `count-${c.id}`, class: 'count', 'aria-live': 'polite', for: `count-${c.id}-minus count-${c.id}-plus` },
      a.count === null || a.count === undefined ? t('countNotSet') : String(a.count));
    const bump = (d) => () => {
      const w = updateWalk(id, (w) => {
        const cur = (w.answers[c.id] || {}).count;
        const next = cur === null || cur === undefined ? Math.max(0, d) : Math.max(0, cur + d);
        w.answers[c.id] = { ...(w.answers[c.id] || {}), count: next };
      });
      out.textContent = String(w.answers[c.id].count);
    };
    const e = c.effort || {};
    return h('div', { class: 'criterion effort', role: 'group', 'aria-labelledby': `label-${c.id}`, 'data-criterion': c.id },
      h('p', { id: `label-${c.id}`, class: 'criterion-label' }, label, ...badgesFor(c)),
      h('p', { class: 'hint' }, t('effortTarget', { n: e.target }), e.companyWork ? ` · ${t('companyWork')}` : ''),
      h('div', { class: 'counter' },
        h('button', { type: 'button', id: `count-${c.id}-minus`, class: 'big secondary', 'aria-label': t('decrease', { label }), disabled: !editable, onclick: bump(-1) }, '−'),
        out,
        h('button', { type: 'button', id: `count-${c.id}-plus`, class: 'big secondary', 'aria-label': t('increase', { label }), disabled: !editable, onclick: bump(1) }, '+')),
      noteField(id, c, a, editable));
  }
  if (c.kind === 'fact') {
    const spec = (view.touchpoint.facts || []).find((f) => c.fact && f.key === c.fact.key);
    return h('div', { class: 'criterion fact', 'data-criterion': c.id },
      h('label', { for: `fact-${c.id}` }, label, ...badgesFor(c)),
      spec ? h('p', { class: 'hint', id: `fact-${c.id}-hint` }, pick(spec.label, app.lang)) : null,
      h('input', { id: `fact-${c.id}`, value: ws.facts[c.id] || '', disabled: !editable, 'aria-describedby': spec ? `fact-${c.id}-hint` : null,
        inputmode: spec && spec.kind !== 'text' ? 'decimal' : null,
        oninput: (e) => updateWalk(id, (w) => { w.facts[c.id] = e.target.value; }) }));
  }
  if (c.kind === 'promise') {
    const details = h('div', { class: 'promise-details', id: `promise-${c.id}` });
    const fill = (value) => {
      details.replaceChildren();
      if (value !== 'yes') return;
      const cur = loadWalk(id);
      let p = cur.promises.find((x) => x.criterionId === c.id);
      if (!p) {
        const made = nowISO();
        const within = parseDuration(c.promise && c.promise.dueWithin) || 86400000;
        p = { id: `p-${uuid()}`, criterionId: c.id, text: '', madeAt: made, dueAt: new Date(Date.parse(made) + within).toISOString() };
        cur.promises.push(p);
        saveWalk(cur);
      }
      details.append(promiseFields(id, p, editable, false, c));
    };
    const g = choiceGroup(`answer-${c.id}`, label, YNNA(), a.value || '', editable, (v) => {
      updateWalk(id, (w) => { w.answers[c.id] = { ...(w.answers[c.id] || {}), value: v }; });
      fill(v);
    }, [...badgesFor(c), h('span', { class: 'hint legend-hint' }, t('promiseMade'))]);
    g.dataset.criterion = c.id;
    g.classList.add('promise');
    g.append(details);
    fill(a.value);
    return g;
  }
  return h('span');
}

function promiseFields(id, p, editable, removable, c) {
  const base = c ? `promise-${c.id}` : `promise-${p.id}`;
  const set = (fn) => updateWalk(id, (w) => { const x = w.promises.find((y) => y.id === p.id); if (x) fn(x); });
  const box = h('div', { class: 'promise-fields', 'data-promise-id': p.id },
    h('label', { for: `${base}-text` }, t('promiseText')),
    h('input', { id: `${base}-text`, value: p.text, disabled: !editable, placeholder: c ? pick(c.label, app.lang) : '', oninput: (e) => set((x) => { x.text = e.target.value; }) }),
    h('label', { for: `${base}-due` }, t('promiseDue')),
    h('input', { id: `${base}-due`, type: 'datetime-local', value: toLocalInput(p.dueAt), disabled: !editable, onchange: (e) => set((x) => { x.dueAt = fromLocalInput(e.target.value); }) }));
  if (removable && editable) {
    box.append(h('button', { type: 'button', class: 'secondary small', onclick: () => {
      updateWalk(id, (w) => { w.promises = w.promises.filter((y) => y.id !== p.id); });
      box.remove();
    } }, t('removePromise')));
  }
  return box;
}

// ---------------------------------------------------------------- submit ----

function submitWalk(view) {
  const id = view.assignment.id;
  const ws = loadWalk(id);
  const msg = document.getElementById('submit-message');
  const problem = submitProblem(view, ws);
  if (problem) {
    msg.textContent = problem;
    msg.focus();
    return;
  }
  ws.submission = { id: uuid(), queuedAt: nowISO(), walk: walkBody(ws, view, false) };
  clearTimeout(app.draftTimer);
  saveWalk(ws, false);
  outbox.add({ kind: 'submit', assignmentId: id });
  renderAssignment();
  const s = document.getElementById('sync-status');
  if (s) s.scrollIntoView({ block: 'center' });
}

function submitProblem(view, ws) {
  const running = ws.steps.filter((s) => ['running', 'paused'].includes(stepState(s)));
  if (running.length) return t('submitRunning', { steps: running.map((s) => stepName(s.key)).join(', ') });
  if (!ws.steps.some((s) => stepState(s) === 'done')) return t('submitNeedsStep');
  if (ws.resolved === null || ws.resolved === undefined) return t('submitNeedsResolved');
  for (const c of view.criteria || []) {
    if (c.kind !== 'promise' || (ws.answers[c.id] || {}).value !== 'yes') continue;
    const p = ws.promises.find((x) => x.criterionId === c.id);
    if (!p || !p.text.trim() || !p.dueAt || Date.parse(p.dueAt) <= Date.parse(p.madeAt)) return t('submitNeedsPromise', { label: pick(c.label, app.lang) });
  }
  return '';
}

// --------------------------------------------------------- promise checks ----

// promiseChecks are the promises the workflow asks about: those the server
// lists as waiting (promiseChecks), else this phone's submitted promises
// that are due, once the walk is scored.
function promiseChecksOf(view, ws) {
  if (Array.isArray(view.promiseChecks)) {
    return view.promiseChecks.map((p) => ({ id: p.promiseId || p.id, text: p.text || '', dueAt: p.dueAt }));
  }
  const scored = ['scored', 'closed'].includes(view.assignment.status);
  if (!scored || !ws || !ws.submission) return [];
  const answered = promiseAnswers(view.assignment.id);
  return (ws.submission.walk.promises || []).filter((p) => Date.parse(p.dueAt) <= Date.now() || answered[p.id]);
}

function renderPromiseChecks(view, ws) {
  const checks = promiseChecksOf(view, ws);
  if (!checks.length) return null;
  const id = view.assignment.id;
  const answered = promiseAnswers(id);
  return h('section', { class: 'card promise-checks', id: 'promise-checks', 'aria-labelledby': 'promise-checks-title' },
    h('h2', { id: 'promise-checks-title' }, t('promiseCheckTitle')),
    checks.map((p) => {
      const ans = answered[p.id];
      const answer = (outcome) => () => {
        // Only the answer is kept: the walk itself may not be on this phone.
        setPromiseAnswer(id, p.id, { outcome });
        outbox.add({ kind: 'promise', assignmentId: id, promiseId: p.id, outcome });
        renderAssignment();
      };
      return h('div', { class: 'promise-check', 'data-promise-id': p.id },
        h('p', {}, p.text),
        p.dueAt ? h('p', { class: 'hint' }, t('promiseDueOn', { date: fmtTime(p.dueAt) })) : null,
        ans ? h('p', { class: ans.error ? 'message' : 'help', id: `promise-${p.id}-answer` }, t('promiseAnswered', { outcome: pick(outcomes[ans.outcome], app.lang) }), ans.error ? ` – ${ans.error}` : '')
          : h('div', { class: 'choices two' },
            h('button', { type: 'button', id: `promise-${p.id}-kept`, class: 'big kept', onclick: answer('kept') }, t('kept')),
            h('button', { type: 'button', id: `promise-${p.id}-broken`, class: 'big broken', onclick: answer('broken') }, t('broken'))));
    }));
}

// ------------------------------------------------------------------ boot ----

async function boot() {
  session = await startAuth({ onToken: (tok) => { app.token = tok; if (tok) localStorage.setItem(K.token, tok); else localStorage.removeItem(K.token); } });
  if (session.mode === 'cognito') app.token = await session.token();
  // #token=… signs in (a local dev link, or a hosted login's redirect).
  const m = location.hash.match(/[#&](?:token|access_token|id_token)=([^&]+)/);
  if (m) {
    app.token = decodeURIComponent(m[1]);
    localStorage.setItem(K.token, app.token);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  }
  document.getElementById('lang-toggle').addEventListener('click', () => {
    app.lang = app.lang === 'pl' ? 'en' : 'pl';
    localStorage.setItem(K.lang, app.lang);
    if (app.view) { renderChrome(); renderAssignment(); } else route();
  });
  window.addEventListener('hashchange', route);
  // Walks changed after their last draft (the page was closed or reloaded
  // before the draft left) are drafted again.
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key.startsWith('ta.walk.')) continue;
    const ws = getJSON(key);
    if (ws && ws.dirty && !ws.submission) outbox.add({ kind: 'draft', assignmentId: ws.assignmentId });
  }
  // An earlier version stored a promise-check answer given on a phone
  // without the walk as a stand-in walk that looked queued: keep the answers,
  // drop the stand-in.
  for (const key of Object.keys(localStorage)) {
    if (!key.startsWith('ta.walk.')) continue;
    const ws = getJSON(key);
    if (!ws || !ws.submission || ws.submission.id || ws.startedAt) continue;
    for (const [pid, ans] of Object.entries(ws.promiseAnswers || {})) {
      if (!(getJSON(K.answers(ws.assignmentId)) || {})[pid]) setPromiseAnswer(ws.assignmentId, pid, ans);
    }
    localStorage.removeItem(key);
  }
  route();
  outbox.flush();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').catch(() => {});
  }
}

boot();
