// touchaudit's mobile audit form: sign in, the auditor's assignments, and
// per assignment the instructions, step timers, the criteria checklist,
// photos and files, the position at a branch, and the submission. Plain ES
// modules, no framework. The walk in progress is kept in localStorage on
// every change (it survives a reload and days offline) and drafted to the
// server; writes and files wait in IndexedDB and go through the Outbox.

import { texts, statuses, channels, steps as stepInfo, channelSteps, outcomes, defaultLang, fill, pick } from './i18n.js';
import { Outbox, api, uuid, isOnline, onNetChange, ApiError, AuthError, RetryError } from './outbox.js';
import { addFile, filesOf, getFile, putFile, removeFile, sendFile, EvidenceError } from './evidence.js';
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
// MAX_STEP_KEY is the API's bound on a step key (audit.MaxKey, in
// characters); any language is accepted.
const MAX_STEP_KEY = 100;
// GPS_TIMEOUT_MS bounds the wait for a position fix; a walk never waits on it.
const GPS_TIMEOUT_MS = 20000;
// REDRAW_AFTER_BLUR_MS lets a tap that moved focus out of a field land on
// its button before a deferred redraw replaces the page.
const REDRAW_AFTER_BLUR_MS = 400;
// FIRST_DRAW_WAIT_MS bounds how long the queue and the service worker wait
// for the first screen (a list that never comes, offline).
const FIRST_DRAW_WAIT_MS = 3000;

const app = {
  lang: localStorage.getItem(K.lang) || defaultLang(navigator.language),
  token: localStorage.getItem(K.token) || '',
  me: null,
  view: null, // the AssignmentView on screen
  draftTimer: 0,
  message: '',
  files: [], // the evidence files of the assignment on screen (IndexedDB)
  problems: [], // what the form's own check found at the last SUBMIT tap
  redrawDeferred: false,
  urls: [],
  newVersion: false, // the service worker has a newer form than this one
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

// stepKeyFor turns what the auditor typed into a step key: a known step's
// key or name in either language gives that key (so "Rozmowa z
// konsultantem" is the standard's `consultant`); anything else is kept as
// typed, in any language, as the API accepts (up to MAX_STEP_KEY characters).
function stepKeyFor(typed) {
  const v = typed.trim().replace(/\s+/g, ' ');
  const low = v.toLocaleLowerCase();
  for (const [k, info] of Object.entries(stepInfo)) {
    if (k === low || [info.name.pl, info.name.en].some((n) => n.toLocaleLowerCase() === low)) return k;
  }
  return [...v].length <= MAX_STEP_KEY ? v : '';
}

// domKey makes a step key usable in element ids: known keys as they are,
// others as an ASCII slug with a short hash (two labels may slug alike).
function domKey(key) {
  if (/^[a-z][a-z0-9_]*$/.test(key)) return key;
  const slug = key.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ł/g, 'l').replace(/Ł/g, 'L')
    .toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  let hash = 0;
  for (const ch of key) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return `x_${slug}_${hash.toString(36)}`;
}

// formatters keeps one Intl.DateTimeFormat per language and shape: making
// one is slow on a phone (toLocaleDateString makes one per call), and the
// list formats a date per assignment.
const formatters = new Map();

function formatter(shape) {
  const key = `${app.lang}.${shape}`;
  if (!formatters.has(key)) {
    const opts = shape === 'date' ? { day: 'numeric', month: 'short', year: 'numeric' } : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
    formatters.set(key, new Intl.DateTimeFormat(app.lang === 'pl' ? 'pl-PL' : 'en-GB', opts));
  }
  return formatters.get(key);
}

function fmtDate(iso) {
  if (!iso) return '';
  return formatter('date').format(new Date(iso));
}

function fmtTime(iso) {
  if (!iso) return '';
  return formatter('time').format(new Date(iso));
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
    case 'evidence': {
      const rec = await getFile(item.fileId);
      if (!rec) return null; // removed before it was sent
      return sendFile(app.token, path(id), rec);
    }
    case 'draft': {
      const ws = loadWalk(id);
      const view = getJSON(K.view(id));
      if (!ws || ws.submission || !view) return null; // nothing left to draft
      item.snapshotAt = ws.updatedAt;
      const evidence = await evidenceIds(id);
      const body = () => ({ version: ws.version || 0, draft: { ...walkBody(ws, view, true), ...(evidence.length ? { evidence } : {}) } });
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
      // Only after every file of the walk is uploaded and confirmed (their
      // writes come first in this assignment's queue).
      const files = await filesOf(id);
      if (files.some((f) => f.state !== 'uploaded' && !f.error)) throw new RetryError('evidence not uploaded yet');
      const evidence = files.filter((f) => f.state === 'uploaded').map((f) => f.evidenceId);
      const walkthrough = { ...s.walk, ...(evidence.length ? { evidence } : {}) };
      // Same submissionId and walk on every retry; clientSentAt is when this
      // attempt leaves the phone.
      return api(app.token, 'POST', path(id, '/submit'), { submissionId: s.id, clientSentAt: nowISO(), walkthrough });
    }
    case 'promise':
      return api(app.token, 'POST', path(id, `/promises/${encodeURIComponent(item.promiseId)}`), { outcome: item.outcome });
    default:
      return null;
  }
}

async function evidenceIds(id) {
  return (await filesOf(id)).filter((f) => f.state === 'uploaded').map((f) => f.evidenceId);
}

async function writeDone(item, result) {
  const id = item.assignmentId;
  const ws = loadWalk(id);
  if (item.kind === 'evidence') {
    if (onAssignment(id)) await refreshFiles();
    return;
  }
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
    else if (item.kind === 'start') renderStatus(); // nothing else changes: no redraw under the auditor's finger
    else if (item.kind !== 'submit') redraw();
    else renderSyncState();
  }
}

async function writeRejected(item, err) {
  const id = item.assignmentId;
  if (item.kind === 'promise') {
    setPromiseAnswer(id, item.promiseId, { outcome: item.outcome, error: errorText(err) });
    if (onAssignment(id)) redraw();
    return;
  }
  if (item.kind === 'evidence') {
    const rec = await getFile(item.fileId);
    if (rec) {
      rec.error = errorText(err);
      await putFile(rec);
    }
    if (onAssignment(id)) await refreshFiles();
    return;
  }
  const ws = loadWalk(id);
  if (!ws) return;
  if (item.kind === 'submit' && ws.submission) {
    // Refused: the walk stays on the phone and editable, with the server's
    // reasons by the fields they name, until it is sent again.
    const view = getJSON(K.view(id)) || app.view;
    ws.refused = { at: nowISO(), message: err.message || '', status: err.status || 0,
      reasons: refusalReasons(view, ws.submission.walk, err.fields || []), walk: ws.submission.walk };
    ws.submission = null;
    saveWalk(ws, false);
  } else if (item.kind === 'start') {
    ws.startError = errorText(err);
    saveWalk(ws, false);
  }
  if (onAssignment(id) && item.kind !== 'draft') redraw();
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

// renderPending shows the one truth about the connection and the queue in
// the header; the screens read the same isOnline() and outbox.count().
function renderPending() {
  const n = outbox.count();
  const online = isOnline();
  const el = document.getElementById('pending');
  if (el) {
    el.textContent = outbox.loaded ? t('pending', { n }) : '…';
    el.dataset.count = String(n);
    el.classList.toggle('has-pending', n > 0);
  }
  const net = document.getElementById('network');
  if (net) {
    net.textContent = online ? t('online') : t('offline');
    net.dataset.online = String(online);
    net.classList.toggle('offline', !online);
  }
  const offline = document.getElementById('offline-note');
  if (offline) offline.hidden = online;
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

// plannedSteps are the step keys the touchpoint's timing criteria measure;
// a touchpoint the standard does not time (a call-back by phone) gets its
// channel's usual steps, so the auditor never has to find "Add a step".
function plannedSteps(view) {
  const keys = [];
  for (const c of view.criteria || []) {
    if (c.kind !== 'timing' || !c.timing) continue;
    for (const k of [c.timing.step, c.timing.from, c.timing.to]) {
      if (k && !keys.includes(k)) keys.push(k);
    }
  }
  return keys.length ? keys : [...(channelSteps[view.touchpoint.channel] || [])];
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
    // checkIn: {consent, start, end} for branch walks, once asked.
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
    if (d.checkIn) ws.checkIn = d.checkIn;
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
  // In the order the steps began, as the API checks it, whatever the order
  // of the timers on screen (a call-back waits before the call is taken).
  const byStart = ws.steps.filter((s) => s.start).sort((x, y) => Date.parse(x.start) - Date.parse(y.start));
  for (const s of byStart) {
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
      // Not stated, or N/A: an answer instead of a fact.
      else if (a.value === 'no' || a.value === 'na') answers.push(withNote({ criterionId: c.id, value: a.value }, a.note));
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
  if (ws.checkIn) w.checkIn = ws.checkIn;
  return w;
}

// ---------------------------------------------------- completeness ----

// needsAnswer says whether the API wants an answer for c (audit.CheckComplete):
// timings are measured and channel switches counted from the timeline.
function needsAnswer(c) {
  if (c.kind === 'timing') return false;
  if (c.kind === 'effort' && c.effort && c.effort.measure === 'channel_switches') return false;
  return ['step', 'exceed', 'effort', 'promise', 'fact'].includes(c.kind);
}

function isAnswered(ws, c) {
  const a = ws.answers[c.id] || {};
  switch (c.kind) {
    case 'effort': return (a.count !== null && a.count !== undefined) || a.value === 'na';
    case 'fact': return !!(ws.facts[c.id] || '').trim() || a.value === 'no' || a.value === 'na';
    default: return !!a.value;
  }
}

// progress counts the answers the submission needs.
function progress(view, ws) {
  const cs = (view.criteria || []).filter(needsAnswer);
  const missing = cs.filter((c) => !isAnswered(ws, c));
  return { done: cs.length - missing.length, total: cs.length, firstMissing: missing[0] };
}

// walkProblems is the form's own check before a submission, in the order of
// the page; each problem names the field it is about.
function walkProblems(view, ws) {
  const out = [];
  for (const s of ws.steps) {
    if (['running', 'paused'].includes(stepState(s))) out.push({ target: `step:${s.key}`, reason: t('submitRunning', { steps: stepName(s.key) }) });
  }
  if (!ws.steps.some((s) => stepState(s) === 'done') && ws.steps.length) out.push({ target: `step:${ws.steps[0].key}`, reason: t('submitNeedsStep') });
  else if (!ws.steps.length) out.push({ target: 'timers', reason: t('submitNeedsStep') });
  for (const c of view.criteria || []) {
    if (!needsAnswer(c)) continue;
    const a = ws.answers[c.id] || {};
    if (!isAnswered(ws, c)) {
      out.push({ target: `criterion:${c.id}`, reason: t('needsAnswer') });
      continue;
    }
    if (a.value === 'na' && c.critical && !(a.note || '').trim()) out.push({ target: `note:${c.id}`, reason: t('needsNaNote') });
    if (c.kind === 'promise' && a.value === 'yes') {
      const p = ws.promises.find((x) => x.criterionId === c.id);
      if (!p || !p.text.trim() || !p.dueAt || Date.parse(p.dueAt) <= Date.parse(p.madeAt)) {
        out.push({ target: `criterion:${c.id}`, reason: t('submitNeedsPromise', { label: pick(c.label, app.lang) }) });
      }
    }
  }
  if (ws.resolved === null || ws.resolved === undefined) out.push({ target: 'resolved', reason: t('submitNeedsResolved') });
  return out;
}

// refusalReasons places the server's field paths (docs/API.md, under
// "walkthrough.") on the fields of the form, by the walk that was sent.
function refusalReasons(view, walk, fields) {
  const criteria = (view && view.criteria) || [];
  return fields.map((f) => {
    const p = String(f.path || '').replace(/^walkthrough\./, '');
    let target = '';
    let m;
    if ((m = p.match(/^answers\[(\d+)\]\.note/))) {
      const a = (walk.answers || [])[+m[1]];
      if (a) target = `note:${a.criterionId}`;
    } else if ((m = p.match(/^answers\[(\d+)\]/))) {
      const a = (walk.answers || [])[+m[1]];
      if (a) target = `criterion:${a.criterionId}`;
    } else if (p === 'answers' && (m = String(f.reason).match(/criterion (\S+) is not answered/))) {
      target = `criterion:${m[1]}`;
    } else if ((m = p.match(/^timeline\[(\d+)\]/))) {
      const st = (walk.timeline || [])[+m[1]];
      if (st) target = `step:${st.key}`;
    } else if (p === 'timeline') {
      target = 'timers';
    } else if ((m = p.match(/^facts\[(\d+)\]/))) {
      const fact = (walk.facts || [])[+m[1]];
      const c = fact && criteria.find((x) => x.kind === 'fact' && x.fact && x.fact.key === fact.key);
      if (c) target = `criterion:${c.id}`;
    } else if ((m = p.match(/^promises\[(\d+)\]/))) {
      const pr = (walk.promises || [])[+m[1]];
      if (pr) target = pr.criterionId ? `criterion:${pr.criterionId}` : `promise:${pr.id}`;
    } else if (p === 'notes' || p === 'resolved') {
      target = p;
    } else if (p.startsWith('checkIn')) {
      target = 'checkin';
    } else if (p.startsWith('evidence')) {
      target = 'evidence';
    }
    return { path: f.path, reason: f.reason, target };
  });
}

// fieldFor finds the element a problem is about.
function fieldFor(target) {
  const [kind, ...rest] = target.split(':');
  const id = rest.join(':');
  const q = (sel) => document.querySelector(sel);
  switch (kind) {
    case 'criterion': return q(`[data-criterion="${CSS.escape(id)}"]`);
    case 'note': return q(`[data-criterion="${CSS.escape(id)}"] details.note`);
    case 'step': return q(`#timer-${CSS.escape(domKey(id))}`);
    case 'promise': return q(`[data-promise-id="${CSS.escape(id)}"]`);
    case 'notes': return q('#notes-field');
    case 'resolved': return q('#group-resolved');
    case 'checkin': return q('#checkin');
    case 'evidence': return q('#evidence');
    case 'timers': return q('#timers');
    default: return null;
  }
}

// goTo takes the auditor to a field: opens it, scrolls it to the middle of
// the screen and puts the focus in it.
function goTo(target) {
  const el = fieldFor(target);
  if (!el) return false;
  if (el.tagName === 'DETAILS') el.open = true;
  el.scrollIntoView({ block: 'center' });
  const input = el.matches('input, textarea, select, button') ? el
    : el.querySelector('input:not([type=file]):not(:disabled), textarea, select, button:not(:disabled)');
  (input || el).focus({ preventScroll: true });
  return true;
}

// showFieldErrors puts each problem's text by its field.
function showFieldErrors(problems) {
  for (const el of document.querySelectorAll('.field-error')) el.remove();
  for (const el of document.querySelectorAll('.has-error')) el.classList.remove('has-error');
  for (const pr of problems) {
    const el = fieldFor(pr.target);
    if (!el) continue;
    if (el.tagName === 'DETAILS') el.open = true;
    el.classList.add('has-error');
    el.append(h('p', { class: 'field-error', 'data-target': pr.target }, pr.reason));
  }
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
  renderNewVersion();
  document.documentElement.lang = app.lang;
  document.title = t('appName');
  const toggle = document.getElementById('lang-toggle');
  toggle.textContent = t('langToggle');
  toggle.setAttribute('aria-label', t('langToggleLabel'));
  toggle.setAttribute('lang', app.lang === 'pl' ? 'en' : 'pl');
  renderPending();
}

// renderNewVersion offers to reload when the service worker has fetched a
// newer form than the one on screen (it shows the cached one at once). A
// reload loses nothing: the walk and the queue are on the phone.
function renderNewVersion() {
  if (!app.newVersion) return;
  let bar = document.getElementById('new-version');
  if (!bar) {
    bar = h('p', { id: 'new-version', class: 'new-version', role: 'status' });
    document.querySelector('header.bar').after(bar);
  }
  bar.replaceChildren(h('span', {}, t('newVersion')),
    h('button', { id: 'reload', type: 'button', class: 'secondary small', onclick: () => location.reload() }, t('reloadNow')));
}

function route() {
  renderChrome();
  clearInterval(app.ticker);
  app.view = null;
  app.problems = [];
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

// earlyGet takes the answer to GET path that index.html's early script
// asked for as the page started, already decoded (once, and only for the
// same token), or asks now: also when that answer was no success, so errors
// are the api's.
async function earlyGet(name, path) {
  const early = window.taEarly || {};
  const res = early[name];
  early[name] = null;
  if (res && early.token === app.token) {
    const r = await res;
    if (r) return r.body;
  }
  return api(app.token, 'GET', path);
}

async function renderList() {
  show(h('p', { class: 'loading' }, t('loading')));
  let list = getJSON(K.list);
  let fresh = false;
  // Who is signed in is asked at the same time as the list.
  const me = app.me ? null : earlyGet('me', '/api/me').catch(() => null);
  try {
    const all = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const r = cursor ? await api(app.token, 'GET', `/api/assignments?cursor=${encodeURIComponent(cursor)}`)
        : await earlyGet('assignments', '/api/assignments');
      all.push(...(r.assignments || []));
      cursor = r.nextCursor;
      if (!cursor) break;
    }
    performance.mark('ta-answers');
    list = all;
    fresh = true;
    if (!app.me) app.me = await me;
  } catch (err) {
    if (err instanceof AuthError) { app.message = t('badToken'); return signOut(false); }
    if (!list) return show(h('p', { class: 'message', role: 'alert' }, t('loadFailed', { msg: errorText(err) })),
      h('button', { id: 'retry', type: 'button', class: 'secondary', onclick: renderList }, t('retry')));
  }
  if (location.hash.startsWith('#/a/')) return fresh && keepList(list); // the auditor moved on meanwhile
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
    // One truth with the header: shown whenever the header says Offline.
    h('p', { class: 'message', id: 'offline-note', hidden: isOnline() }, t('offlineCached')),
    items.length ? h('ul', { id: 'assignments', class: 'assignments' }, items) : h('p', { id: 'assignments-empty' }, t('noAssignments')),
  );
  performance.mark('ta-list');
  // In a task of its own, so the list is painted first.
  if (fresh) setTimeout(() => keepList(list), 0);
}

// keepList keeps a list that came from the server for offline use, with
// each assignment's details. It runs once the list is on screen: on a slow
// phone these writes and the detail requests take tens of milliseconds.
function keepList(list) {
  try {
    setJSON(K.list, list);
    for (const v of list) cacheView(v);
  } catch { /* storage full: the list on screen is current */ }
  prefetchDetails(list);
}

// prefetchDetails keeps every open assignment's checklist on the phone while
// it is online, so one never opened before can be walked offline.
async function prefetchDetails(list) {
  for (const v of list) {
    const a = v.assignment;
    const cached = getJSON(K.view(a.id));
    if (!['assigned', 'started'].includes(a.status) || (cached && cached.criteria && cached.criteria.length)) continue;
    try {
      cacheView(await api(app.token, 'GET', path(a.id)));
    } catch {
      return; // offline again: the next list load tries once more
    }
  }
}

async function openAssignment(id) {
  const cached = getJSON(K.view(id));
  app.files = [];
  if (cached && cached.criteria && cached.criteria.length) {
    app.view = cached;
    await refreshFiles(false);
    renderAssignment();
  } else {
    // Never opened online: a way back, and a retry (also when the phone is
    // back online), never a "Loading…" forever.
    show(backLink(), h('p', { class: 'loading', id: 'loading' }, t('loading')));
  }
  await refreshAssignment(id, !(cached && cached.criteria && cached.criteria.length));
}

async function refreshAssignment(id, mustLoad = false) {
  try {
    const before = JSON.stringify(getJSON(K.view(id)));
    const v = await api(app.token, 'GET', path(id));
    cacheView(v);
    if (!location.hash.startsWith('#/a/') || decodeURIComponent(location.hash.slice(4)) !== id) return;
    const drawn = app.view;
    app.view = getJSON(K.view(id));
    await refreshFiles(false);
    // The same assignment as on screen: only the status line may differ.
    if (drawn && before === JSON.stringify(app.view)) renderStatus();
    else redraw();
  } catch (err) {
    if (err instanceof AuthError) { app.message = t('badToken'); return signOut(false); }
    if (!mustLoad) return;
    const brief = (getJSON(K.list) || []).find((x) => x.assignment.id === id);
    show(backLink(),
      brief ? h('h1', { id: 'touchpoint-name' }, pick(brief.touchpoint.name, app.lang)) : null,
      h('p', { class: 'message', role: 'alert', id: 'not-on-phone' }, err instanceof RetryError ? t('notOnPhone') : t('loadFailed', { msg: errorText(err) })),
      h('button', { id: 'retry', type: 'button', class: 'secondary', onclick: () => openAssignment(id) }, t('retry')));
  }
}

// renderStatus updates the status badge and the sync box only.
function renderStatus() {
  if (!app.view) return;
  renderSyncState();
  const badge = document.getElementById('assignment-status');
  if (badge) badge.replaceWith(statusBadge(localStatus(app.view.assignment), 'assignment-status'));
}

// redraw draws the assignment again after a sync, unless the auditor is
// typing: a field with the focus is never replaced (the keystrokes and the
// caret stay); the page is drawn once the focus leaves the fields.
function redraw() {
  if (!app.view) return;
  const el = document.activeElement;
  if (el && el.closest && el.closest('#view') && el.matches('input:not([type=radio]):not([type=file]), textarea, select')) {
    renderStatus();
    if (!app.redrawDeferred) {
      app.redrawDeferred = true;
      el.addEventListener('blur', () => setTimeout(() => {
        app.redrawDeferred = false;
        redraw();
      }, REDRAW_AFTER_BLUR_MS), { once: true });
    }
    return;
  }
  renderAssignment();
}

// refreshFiles reads the assignment's files from IndexedDB and, when asked,
// redraws the evidence lists.
async function refreshFiles(render = true) {
  if (!app.view) return;
  app.files = await filesOf(app.view.assignment.id);
  if (render) renderEvidenceLists();
}

function backLink() {
  return h('a', { id: 'back', class: 'back', href: '#/' }, t('back'));
}

// renderAssignment draws the whole assignment. It runs when the walk's
// shape changes (started, a step added, submitted); taps inside a section
// update only that section, so typing never loses focus. Syncs go through
// redraw(), which waits while the auditor types.
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
  const focusId = document.activeElement && document.activeElement.id;
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
    if (tp.channel === 'branch') parts.push(renderCheckIn(ws, editable));
    parts.push(renderTimers(v, ws, editable));
    parts.push(renderChecklist(v, ws, editable));
    parts.push(renderEvidence(ws.assignmentId, {}, editable, 'walk', true));
    if (editable) {
      parts.push(renderProgress(v, ws));
      parts.push(h('p', { id: 'submit-message', class: 'message', role: 'alert', tabindex: '-1' }));
      parts.push(h('button', { id: 'submit', type: 'button', class: 'big primary', onclick: () => submitWalk(v) }, t('submit')));
      parts.push(h('p', { id: 'draft-state', class: 'help', 'aria-live': 'polite' }, ws.draftSavedAt ? t('draftSaved', { time: fmtTime(ws.draftSavedAt) }) : ''));
    }
    parts.push(h('p', {}, h('button', { id: 'export-walk', type: 'button', class: 'secondary small', onclick: () => exportWalk(v) }, t('exportWalk'))));
  }
  show(...parts);
  renderSyncState();
  renderEvidenceLists();
  if (ws) showFieldErrors([...((ws.refused && ws.refused.reasons) || []), ...app.problems]);
  window.scrollTo(0, scrollY);
  if (focusId) {
    const el = document.getElementById(focusId);
    if (el) el.focus({ preventScroll: true });
  }
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
  if (!s && ws && ws.refused) {
    el.classList.add('error');
    const reasons = ws.refused.reasons || [];
    const loose = reasons.filter((r) => !r.target);
    el.append(h('p', { id: 'submit-rejected' }, t('submitRefused')),
      loose.length ? h('ul', { id: 'refusal-other' }, loose.map((r) => h('li', {}, `${r.path}: ${r.reason}`))) : null,
      !reasons.length ? h('p', {}, ws.refused.message) : null,
      reasons.some((r) => r.target) ? h('button', { id: 'refusal-first', type: 'button', class: 'secondary small',
        onclick: () => goTo(reasons.find((r) => r.target).target) }, t('goToFirstReason')) : null);
    return;
  }
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

// exportWalk downloads the walk as the auditor has it (the way out when a
// submission is refused and the auditor needs a lead's help).
function exportWalk(view) {
  const id = view.assignment.id;
  const ws = loadWalk(id);
  const body = { assignmentId: id, touchpointId: view.touchpoint.id, exportedAt: nowISO(),
    walkthrough: ws.submission ? ws.submission.walk : walkBody(ws, view, true), refused: ws.refused || null,
    files: app.files.map((f) => ({ fileName: f.fileName, contentType: f.contentType, size: f.size, sha256: f.sha256, attachTo: f.attachTo, evidenceId: f.evidenceId || '' })) };
  const url = URL.createObjectURL(new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' }));
  const link = h('a', { href: url, download: `walk-${id}.json`, id: 'export-link', hidden: true });
  document.body.append(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(url); link.remove(); }, 1000);
}

function renderProgress(view, ws) {
  const p = progress(view, ws);
  const box = h('div', { id: 'progress', class: `progress${p.done === p.total ? ' complete' : ''}`, role: 'status' },
    h('span', { id: 'progress-text' }, t('progress', { n: p.done, m: p.total })));
  if (p.firstMissing) {
    box.append(h('button', { id: 'progress-first-missing', type: 'button', class: 'secondary small',
      onclick: () => { const q = progress(view, loadWalk(ws.assignmentId)); if (q.firstMissing) goTo(`criterion:${q.firstMissing.id}`); } }, t('firstMissing')));
  }
  return box;
}

function updateProgress() {
  const old = document.getElementById('progress');
  if (!old || !app.view) return;
  old.replaceWith(renderProgress(app.view, loadWalk(app.view.assignment.id)));
}

function startWalk(view) {
  const ws = newWalk(view, nowISO());
  saveWalk(ws, false);
  outbox.add({ kind: 'start', assignmentId: view.assignment.id, startedAt: ws.startedAt });
  renderAssignment();
  const first = document.querySelector(view.touchpoint.channel === 'branch' ? '#checkin-allow' : '.timer .timer-start');
  if (first) first.focus();
}

// ------------------------------------------------------------- position ----

// position asks the phone where it is (high accuracy, no cached fix).
function position() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(Object.assign(new Error('no geolocation'), { code: 2 })); return; }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracyM: Math.round(p.coords.accuracy * 10) / 10, at: new Date(p.timestamp || Date.now()).toISOString() }),
      reject, { enableHighAccuracy: true, timeout: GPS_TIMEOUT_MS, maximumAge: 0 });
  });
}

// recordPosition keeps the start or end position of a branch walk; a
// refusal is recorded as no consent and never stops the walk.
async function recordPosition(id, which) {
  try {
    const fix = await position();
    updateWalk(id, (w) => { w.checkIn = { ...(w.checkIn || {}), consent: true, [which]: fix }; w.checkInError = ''; });
  } catch (err) {
    updateWalk(id, (w) => {
      if (err && err.code === 1) w.checkIn = { consent: false };
      else w.checkInError = t('gpsFailed');
    });
  }
}

function renderCheckIn(ws, editable) {
  const id = ws.assignmentId;
  const c = ws.checkIn;
  const box = h('section', { class: 'card checkin', id: 'checkin', 'aria-labelledby': 'checkin-title' }, h('h2', { id: 'checkin-title' }, t('checkInTitle')));
  const fixText = (f) => t('checkInFix', { acc: Math.round(f.accuracyM), time: fmtTime(f.at) });
  if (!c) {
    box.append(h('p', { class: 'help' }, t('checkInAsk')));
    if (editable) {
      box.append(h('div', { class: 'choices two' },
        h('button', { type: 'button', id: 'checkin-allow', class: 'big', onclick: async () => { await recordPosition(id, 'start'); redraw(); } }, t('checkInAllow')),
        h('button', { type: 'button', id: 'checkin-decline', class: 'big secondary', onclick: () => { updateWalk(id, (w) => { w.checkIn = { consent: false }; }); redraw(); } }, t('checkInDecline'))));
    }
  } else if (!c.consent) {
    box.append(h('p', { class: 'help', id: 'checkin-state' }, t('checkInDeclined')));
  } else {
    box.append(h('p', { id: 'checkin-state' }, c.start ? `${t('checkInStart')}: ${fixText(c.start)}` : t('gpsFailed'),
      c.end ? h('br') : null, c.end ? `${t('checkInEnd')}: ${fixText(c.end)}` : null));
    if (!c.end && editable) box.append(h('p', { class: 'hint' }, t('checkInEndHint')));
    if (!c.start && editable) {
      box.append(h('button', { type: 'button', id: 'checkin-retry', class: 'secondary', onclick: async () => { await recordPosition(id, 'start'); redraw(); } }, t('retry')));
    }
  }
  if (ws.checkInError) box.append(h('p', { class: 'message' }, ws.checkInError));
  return box;
}

// ------------------------------------------------------------- evidence ----

// renderEvidence is the photo and file list of a walk, a step or an answer,
// with a button that takes a photo or picks a file. The list is filled
// from app.files by renderEvidenceLists.
function renderEvidence(id, attachTo, editable, name, titled) {
  const input = h('input', { type: 'file', id: `evidence-${name}-input`, class: 'visually-hidden', multiple: true,
    accept: 'image/*,audio/*,application/pdf', disabled: !editable, onchange: async (e) => {
      const files = [...e.target.files];
      e.target.value = '';
      await attachFiles(id, attachTo, files, msg);
    } });
  const msg = h('p', { class: 'message', role: 'alert', id: `evidence-${name}-message` });
  const box = h(titled ? 'section' : 'div', { class: titled ? 'card evidence' : 'evidence', id: titled ? 'evidence' : null,
    'data-attach': JSON.stringify(attachTo), 'aria-labelledby': titled ? 'evidence-title' : null },
  titled ? h('h2', { id: 'evidence-title' }, t('evidenceTitle')) : null,
  h('ul', { class: 'evidence-list', id: `evidence-${name}-list` }),
  editable ? h('label', { class: 'button secondary add-evidence', for: `evidence-${name}-input` }, t('addEvidence')) : null,
  editable ? input : null,
  msg);
  return box;
}

async function attachFiles(id, attachTo, files, msg) {
  msg.textContent = '';
  for (const f of files) {
    try {
      const rec = await addFile(id, attachTo, f);
      await outbox.add({ kind: 'evidence', assignmentId: id, fileId: rec.id });
    } catch (err) {
      msg.textContent = err instanceof EvidenceError ? t(err.message === 'size' ? 'evidenceTooBig' : 'evidenceBadType', { name: f.name })
        : t('evidenceFailed', { name: f.name });
    }
  }
  await refreshFiles();
}

const sameAttach = (x, y) => (x.step || '') === (y.step || '') && (x.criterionId || '') === (y.criterionId || '');

function renderEvidenceLists() {
  for (const u of app.urls) URL.revokeObjectURL(u);
  app.urls = [];
  const ws = app.view && loadWalk(app.view.assignment.id);
  const editable = ws && !ws.submission && ['assigned', 'started'].includes(app.view.assignment.status);
  for (const box of document.querySelectorAll('.evidence[data-attach]')) {
    const attach = JSON.parse(box.dataset.attach);
    const list = box.querySelector('.evidence-list');
    list.replaceChildren(...app.files.filter((f) => sameAttach(f.attachTo, attach)).map((f) => {
      let preview;
      if (f.contentType.startsWith('image/')) {
        const url = URL.createObjectURL(f.blob);
        app.urls.push(url);
        preview = h('img', { src: url, alt: f.fileName, class: 'thumb' });
      } else {
        preview = h('span', { class: 'file-name' }, f.fileName);
      }
      const state = f.error ? t('evidenceRefused', { msg: f.error }) : f.state === 'uploaded' ? t('evidenceUploaded') : t('evidenceWaiting');
      return h('li', { class: `evidence-item${f.error ? ' error' : ''}`, 'data-file-id': f.id, 'data-state': f.error ? 'error' : f.state },
        preview, h('span', { class: 'evidence-state' }, state),
        editable ? h('button', { type: 'button', class: 'secondary small', 'aria-label': t('removeEvidenceLabel', { name: f.fileName }), onclick: async () => {
          await outbox.drop((it) => it.kind === 'evidence' && it.fileId === f.id);
          await removeFile(f.id);
          await refreshFiles();
          updateWalk(ws.assignmentId, () => {}); // the next draft lists the files left
        } }, t('removeEvidence')) : null);
    }));
  }
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
    const keyInput = h('input', { id: 'new-step-key', list: 'step-keys', autocomplete: 'off', maxlength: String(MAX_STEP_KEY) });
    const chSelect = channelSelect('new-step-channel', view.touchpoint.channel);
    const msg = h('p', { class: 'message', role: 'alert', id: 'add-step-message' });
    section.append(h('details', { class: 'add-step', id: 'add-step-panel' },
      h('summary', {}, t('addStepTitle')),
      h('label', { for: 'new-step-key' }, t('addStepKey')),
      keyInput,
      h('datalist', { id: 'step-keys' }, Object.keys(stepInfo).map((k) => h('option', { value: stepName(k) }))),
      h('label', { for: 'new-step-channel' }, t('stepChannel')),
      chSelect,
      h('button', { id: 'add-step', type: 'button', class: 'secondary', onclick: () => {
        const key = stepKeyFor(keyInput.value);
        if (!key) { msg.textContent = t('stepKeyBad', { n: MAX_STEP_KEY }); return; }
        const cur = loadWalk(ws.assignmentId);
        if (cur.steps.some((s) => s.key === key)) { msg.textContent = t('stepKeyDup'); return; }
        const s = newStep(key, chSelect.value);
        cur.steps.push(s);
        saveWalk(cur);
        list.append(renderStep(view, cur, s, true));
        keyInput.value = '';
        msg.textContent = '';
        const btn = document.getElementById(`timer-${domKey(key)}-start`);
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
  const dk = domKey(key);
  const state = stepState(s);
  const info = stepInfo[key];
  const act = (fn) => () => {
    const cur = loadWalk(ws.assignmentId);
    const st = cur.steps.find((x) => x.key === key);
    fn(st, nowISO());
    saveWalk(cur);
    const card = document.getElementById(`timer-${dk}`);
    const fresh = renderStep(view, cur, st, true);
    card.replaceWith(fresh);
    renderEvidenceLists();
    const ann = document.getElementById('timer-announce');
    const newState = stepState(st);
    if (ann) ann.textContent = t('stepAnnounce', { step: stepName(key), state: stateText(st) });
    const next = fresh.querySelector(newState === 'idle' ? '.timer-start' : newState === 'running' ? '.timer-stop' : newState === 'paused' ? '.timer-resume' : '.timer-state');
    if (next) next.focus();
  };
  const buttons = [];
  if (editable) {
    if (state === 'idle') {
      buttons.push(h('button', { type: 'button', id: `timer-${dk}-start`, class: 'big timer-start', onclick: act((st, now) => { st.start = now; }) }, t('stepStart')));
    }
    if (state === 'running') {
      buttons.push(h('button', { type: 'button', id: `timer-${dk}-pause`, class: 'big secondary timer-pause', onclick: act((st, now) => { st.pauses.push({ start: now, end: '' }); }) }, t('stepPause')));
    }
    if (state === 'paused') {
      buttons.push(h('button', { type: 'button', id: `timer-${dk}-resume`, class: 'big secondary timer-resume', onclick: act((st, now) => { st.pauses[st.pauses.length - 1].end = now; }) }, t('stepResume')));
    }
    if (state === 'running' || state === 'paused') {
      buttons.push(h('button', { type: 'button', id: `timer-${dk}-stop`, class: 'big stop timer-stop', onclick: act((st, now) => {
        const last = st.pauses[st.pauses.length - 1];
        if (last && !last.end) last.end = now;
        st.end = now;
      }) }, t('stepStop')));
    }
  }
  // Clearing erases measured time: it lives in the step's extra panel, away
  // from Pause and Stop, and asks before it erases.
  let clear = null;
  if (editable && state !== 'idle') {
    const confirmBox = h('div', { class: 'confirm', id: `timer-${dk}-reset-confirm`, hidden: true, role: 'alertdialog', 'aria-labelledby': `timer-${dk}-reset-question` },
      h('p', { id: `timer-${dk}-reset-question` }, t('stepResetAsk', { step: stepName(key) })),
      h('div', { class: 'choices two' },
        h('button', { type: 'button', id: `timer-${dk}-reset-yes`, class: 'stop', onclick: act((st) => { st.start = ''; st.end = ''; st.pauses = []; }) }, t('stepResetYes')),
        h('button', { type: 'button', id: `timer-${dk}-reset-no`, class: 'secondary', onclick: () => {
          confirmBox.hidden = true;
          document.getElementById(`timer-${dk}-reset`).focus();
        } }, t('stepResetNo'))));
    clear = h('div', { class: 'timer-clear' },
      h('button', { type: 'button', id: `timer-${dk}-reset`, class: 'secondary small timer-reset', onclick: () => {
        confirmBox.hidden = false;
        document.getElementById(`timer-${dk}-reset-no`).focus();
      } }, t('stepReset')),
      confirmBox);
  }
  const targets = timingFor(view, key).map((c) => h('li', {}, `${pick(c.label, app.lang)}: ${t('timingTarget', { target: fmtDuration(c.timing.target), limit: fmtDuration(c.timing.limit) })}`));
  const fileCount = app.files.filter((f) => f.attachTo.step === key).length;
  return h('div', { class: `timer timer-${state}`, id: `timer-${dk}`, 'data-step': key, 'data-state': state },
    h('div', { class: 'timer-head' },
      h('h3', { class: 'timer-name' }, stepName(key), stepInfo[key] ? h('span', { class: 'step-key' }, key) : null),
      h('span', { class: 'timer-elapsed', id: `timer-${dk}-elapsed`, role: 'timer', 'aria-label': stepName(key) }, fmtElapsed(stepElapsed(s)))),
    h('p', { class: 'timer-state', id: `timer-${dk}-state`, tabindex: '-1' }, stateText(s)),
    info ? h('p', { class: 'hint' }, t('stepStartsAt', { from: pick(info.from, app.lang) }), ' · ', t('stepStopsAt', { to: pick(info.to, app.lang) })) : null,
    targets.length ? h('ul', { class: 'targets' }, targets) : null,
    h('div', { class: 'timer-buttons' }, buttons),
    h('details', { class: 'timer-extra', id: `timer-${dk}-extra`, open: !!s.note || s.channel !== defaultChannel(key, view) || fileCount > 0 },
      h('summary', {}, t('stepMore', { channel: channelName(s.channel) })),
      h('label', { for: `timer-${dk}-channel` }, t('stepChannel')),
      channelSelect(`timer-${dk}-channel`, s.channel, (e) => {
        const cur = loadWalk(ws.assignmentId);
        cur.steps.find((x) => x.key === key).channel = e.target.value;
        saveWalk(cur);
      }, !editable),
      h('label', { for: `timer-${dk}-note` }, t('stepNote')),
      h('input', { id: `timer-${dk}-note`, value: s.note, disabled: !editable, oninput: (e) => {
        const cur = loadWalk(ws.assignmentId);
        cur.steps.find((x) => x.key === key).note = e.target.value;
        saveWalk(cur);
      } }),
      renderEvidence(ws.assignmentId, { step: key }, editable, `step-${dk}`, false),
      clear));
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
    const el = document.getElementById(`timer-${domKey(s.key)}-elapsed`);
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
  updateProgress();
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
    h('div', { id: 'notes-field' },
      h('label', { for: 'notes' }, t('notes')),
      h('textarea', { id: 'notes', rows: '4', maxlength: '8000', disabled: !editable, oninput: (e) => updateWalk(id, (w) => { w.notes = e.target.value; }) }, ws.notes)),
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

// noteField holds an answer's note and its photos and files.
function noteField(id, c, a, editable) {
  const files = app.files.filter((f) => f.attachTo.criterionId === c.id).length;
  return h('details', { class: 'note', id: `note-${c.id}-panel`, open: !!(a && a.note) || files > 0 },
    h('summary', {}, t('note')),
    h('label', { for: `note-${c.id}`, class: 'visually-hidden' }, `${t('noteLabel')}: ${pick(c.label, app.lang)}`),
    h('input', { id: `note-${c.id}`, value: (a && a.note) || '', disabled: !editable, oninput: (e) => updateWalk(id, (w) => {
      w.answers[c.id] = { ...(w.answers[c.id] || {}), note: e.target.value };
    }) }),
    renderEvidence(id, { criterionId: c.id }, editable, `criterion-${c.id}`, false));
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
    // Not stated or N/A answers the criterion when there is no value to write.
    const other = h('div', { class: 'choices two' }, [['no', t('notStated')], ['na', t('na')]].map(([v, text]) => h('label', { class: `choice-${v}`, for: `answer-${c.id}-${v}` },
      h('input', { type: 'checkbox', id: `answer-${c.id}-${v}`, checked: a.value === v, disabled: !editable, onchange: (e) => {
        updateWalk(id, (w) => { w.answers[c.id] = { ...(w.answers[c.id] || {}), value: e.target.checked ? v : '' }; });
        for (const box of other.querySelectorAll('input')) if (box !== e.target) box.checked = false;
      } }),
      h('span', {}, text))));
    return h('div', { class: 'criterion fact', 'data-criterion': c.id },
      h('label', { for: `fact-${c.id}` }, label, ...badgesFor(c)),
      spec ? h('p', { class: 'hint', id: `fact-${c.id}-hint` }, pick(spec.label, app.lang)) : null,
      h('input', { id: `fact-${c.id}`, value: ws.facts[c.id] || '', disabled: !editable, 'aria-describedby': spec ? `fact-${c.id}-hint` : null,
        inputmode: spec && spec.kind !== 'text' ? 'decimal' : null,
        oninput: (e) => updateWalk(id, (w) => { w.facts[c.id] = e.target.value; }) }),
      other,
      noteField(id, c, a, editable));
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

async function submitWalk(view) {
  const id = view.assignment.id;
  const msg = document.getElementById('submit-message');
  let ws = loadWalk(id);
  app.problems = walkProblems(view, ws);
  if (app.problems.length) {
    // The messages stand by their fields; the first takes the focus.
    showFieldErrors([...((ws.refused && ws.refused.reasons) || []), ...app.problems]);
    msg.textContent = t('submitProblems', { n: app.problems.length });
    goTo(app.problems[0].target);
    return;
  }
  msg.textContent = '';
  const btn = document.getElementById('submit');
  if (btn) btn.disabled = true;
  // The end position of a branch walk, when the auditor agreed to it; a
  // phone without a fix sends the walk without it.
  if (view.touchpoint.channel === 'branch' && ws.checkIn && ws.checkIn.consent && !ws.checkIn.end) {
    if (msg) msg.textContent = t('gpsEnd');
    await recordPosition(id, 'end');
    if (msg) msg.textContent = '';
    ws = loadWalk(id);
  }
  ws.submission = { id: uuid(), queuedAt: nowISO(), walk: walkBody(ws, view, false) };
  ws.refused = null;
  app.problems = [];
  clearTimeout(app.draftTimer);
  saveWalk(ws, false);
  await outbox.add({ kind: 'submit', assignmentId: id });
  renderAssignment();
  const s = document.getElementById('sync-status');
  if (s) s.scrollIntoView({ block: 'center' });
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
  // Marks the slow-4G browser test logs: where the first list's time goes.
  performance.mark('ta-boot');
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.onmessage = (e) => {
      if (!e.data || e.data.type !== 'ta-new-version') return;
      app.newVersion = true;
      renderNewVersion();
    };
  }
  // Made while the page waits for the network: the list's dates need it,
  // and making the first one takes a phone tens of milliseconds.
  formatter('date');
  session = await startAuth({ onToken: (tok) => { app.token = tok; if (tok) localStorage.setItem(K.token, tok); else localStorage.removeItem(K.token); } });
  if (session.mode === 'cognito') app.token = await session.token();
  performance.mark('ta-auth');
  // A sign-in that came back refused says why on the sign-in page.
  const signInErrors = { oauth: 'signInErrorOauth', state: 'signInErrorState', refused: 'signInErrorRefused' };
  if (session.error) app.message = t(signInErrors[session.error.code], { detail: session.error.detail });
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
  // An assignment that could not be loaded is loaded when the phone is back.
  window.addEventListener('online', () => {
    const m = location.hash.match(/^#\/a\/(.+)$/);
    if (m && document.getElementById('not-on-phone')) openAssignment(decodeURIComponent(m[1]));
  });
  onNetChange(() => { if (isOnline() && document.getElementById('not-on-phone')) route(); });
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
  const drawn = route();
  // Housekeeping, the queue's first flush and the service worker's install
  // (which fetches the shell) wait until the first screen is drawn, or
  // FIRST_DRAW_WAIT_MS: on a slow phone they would delay the list.
  Promise.race([drawn, new Promise((r) => { setTimeout(r, FIRST_DRAW_WAIT_MS); })]).catch(() => {}).then(() => setTimeout(() => {
    // An earlier version of the form queued its writes in localStorage: they
    // move to the outbox in IndexedDB, in their order.
    const legacy = getJSON('ta.queue');
    if (Array.isArray(legacy)) {
      (async () => {
        for (const { id, ...it } of legacy) await outbox.add({ ...it, attempts: 0, nextAt: 0 });
        localStorage.removeItem('ta.queue');
      })();
    }
    // Walks changed after their last draft (the page was closed or reloaded
    // before the draft left) are drafted again.
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key.startsWith('ta.walk.')) continue;
      const ws = getJSON(key);
      if (ws && ws.dirty && !ws.submission) outbox.add({ kind: 'draft', assignmentId: ws.assignmentId });
    }
    outbox.flush();
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.register('sw.js').catch(() => {});
    }
  }, 0));
}

boot();
