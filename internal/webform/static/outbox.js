// The outbox: every write the form makes (start a walk, upload a photo,
// save a draft, submit, answer a promise check) goes through a queue kept in
// IndexedDB (db.js), so a phone in a branch basement loses nothing, files
// included. Writes of one assignment are sent in order (start, evidence,
// drafts, then the submission); assignments are independent, so one hung or
// failing request never holds up another assignment's. Every request has a
// timeout, and a failed one is retried with exponential backoff and jitter.
// A submit keeps its submissionId across retries (the API is idempotent),
// and only its clientSentAt changes: the server shifts client stamps by
// serverNow − clientSentAt, so a walk queued for hours stays honest.

import * as db from './db.js';

// Backoff: 1 s doubling to at most a minute, each wait drawn from its upper
// half, so a phone that comes back is caught quickly, a dead server is not
// hammered, and many phones do not retry in step.
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 60000;
// REQUEST_TIMEOUT_MS ends a JSON request that hangs (a "lie-fi" connection,
// a stalled proxy); an upload gets UPLOAD_MS_PER_MB more per megabyte
// (about 0.5 Mbit/s, a poor mobile uplink).
export const REQUEST_TIMEOUT_MS = 20000;
const UPLOAD_MS_PER_MB = 16000;

export class AuthError extends Error {}

// ApiError is an answer the server gave that a retry will not change.
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.fields = e.fields || [];
  }
}

// RetryError is a failure worth retrying: no network, a timeout, a 5xx.
export class RetryError extends Error {}

// net is the one truth about the connection: the browser's online flag and
// the fate of the last request. A request that gets no answer marks the
// server unreachable until the next one that does; the header and every
// screen read isOnline().
const net = { reachable: true, listeners: new Set() };

export function isOnline() {
  return navigator.onLine && net.reachable;
}

export function onNetChange(fn) { net.listeners.add(fn); }

function reached(ok) {
  if (net.reachable === ok) return;
  net.reachable = ok;
  for (const fn of net.listeners) fn();
}

window.addEventListener('online', () => reached(true));
window.addEventListener('offline', () => { for (const fn of net.listeners) fn(); });

// request fetches with a timeout and classifies failures.
async function request(url, init, timeoutMs) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  let res;
  try {
    res = await fetch(url, { ...init, signal: ctl.signal, cache: 'no-store' });
  } catch (err) {
    reached(false);
    throw new RetryError(ctl.signal.aborted ? `no answer in ${Math.round(timeoutMs / 1000)} s` : String(err && err.message || err));
  } finally {
    clearTimeout(timer);
  }
  reached(true);
  return res;
}

// api calls the HTTP API with the bearer token and classifies failures.
export async function api(token, method, path, body, timeoutMs = REQUEST_TIMEOUT_MS) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, timeoutMs);
  let data = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (res.ok) return data;
  if (res.status === 401) throw new AuthError('unauthorized');
  if (res.status >= 500 || res.status === 408 || res.status === 429) throw new RetryError(`HTTP ${res.status}`);
  throw new ApiError(res.status, data);
}

// upload PUTs a file's bytes to a presigned URL with exactly its headers.
export async function upload(url, headers, blob) {
  const res = await request(url, { method: 'PUT', headers, body: blob }, REQUEST_TIMEOUT_MS + UPLOAD_MS_PER_MB * blob.size / 1048576);
  if (res.ok) return;
  if (res.status >= 500 || res.status === 408 || res.status === 429) throw new RetryError(`upload: HTTP ${res.status}`);
  // An expired or refused URL: the caller asks for a new one.
  throw new ApiError(res.status, null);
}

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export { newId as uuid };

// backoff is the wait before retry number attempts (1, 2, …).
export function backoff(attempts) {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempts - 1));
  return cap / 2 + Math.random() * cap / 2;
}

const laneOf = (it) => it.assignmentId || it.id;

// Outbox sends queued writes. send(item) performs one write and returns the
// server's answer; it throws RetryError, AuthError or ApiError. The queue is
// mirrored in memory (items(), count()) once ready resolves; every change
// is written to IndexedDB first.
export class Outbox {
  constructor({ send, onChange, onDone, onRejected, onAuth }) {
    this.send = send;
    this.onChange = onChange || (() => {});
    this.onDone = onDone || (() => {});
    this.onRejected = onRejected || (() => {});
    this.onAuth = onAuth || (() => {});
    this.queue = [];
    this.loaded = false;
    this.lanes = new Set(); // assignments being sent by this tab
    this.blockedByAuth = false;
    this.seq = 0;
    this.channel = 'BroadcastChannel' in window ? new BroadcastChannel('ta.outbox') : null;
    if (this.channel) this.channel.onmessage = () => this.reload();
    this.ready = this.reload();
    window.addEventListener('online', () => {
      // Back online: everything is due now, whatever its backoff said.
      for (const it of this.queue) it.nextAt = 0;
      this.flush();
    });
    onNetChange(() => this.onChange());
    setInterval(() => this.flush(), 1000);
  }

  async reload() {
    const q = await db.all(db.OUTBOX).catch(() => []);
    q.push(...this.queue.filter((it) => it.storing));
    q.sort((a, b) => a.seq - b.seq);
    this.queue = q;
    this.seq = Math.max(Date.now(), ...q.map((it) => it.seq + 1));
    this.loaded = true;
    this.onChange();
  }

  changed() {
    if (this.channel) this.channel.postMessage('changed');
    this.onChange();
  }

  items() { return this.queue; }

  count() { return this.queue.length; }

  // add queues a write. A draft is not queued twice for one assignment
  // (its body is built when it is sent, from the latest state). The count
  // shows the write at once; it is sent once it is stored.
  add(item) {
    if (!this.loaded) return this.ready.then(() => this.add(item));
    if (item.kind === 'draft' && this.queue.some((it) => it.kind === 'draft' && it.assignmentId === item.assignmentId)) return Promise.resolve();
    // The submission carries the whole walk: queued drafts are moot.
    const moot = item.kind === 'submit' ? this.drop((it) => it.kind === 'draft' && it.assignmentId === item.assignmentId) : null;
    const it = { id: newId(), attempts: 0, nextAt: 0, seq: this.seq++, ...item, storing: true };
    this.queue.push(it);
    this.onChange();
    return (async () => {
      await moot;
      const { storing, ...stored } = it;
      await db.put(db.OUTBOX, stored);
      delete it.storing;
      this.changed();
      this.flush();
    })();
  }

  // drop removes queued writes that match pred (a draft made moot, a photo
  // removed before it was sent).
  async drop(pred) {
    await this.ready;
    const gone = this.queue.filter((it) => pred(it));
    if (!gone.length) return;
    this.queue = this.queue.filter((it) => !pred(it));
    this.onChange();
    await Promise.all(gone.map((it) => db.del(db.OUTBOX, it.id)));
    this.changed();
  }

  resumeAfterSignIn() {
    this.blockedByAuth = false;
    this.flush();
  }

  // flush starts a sender for every assignment with a due write.
  flush() {
    if (!this.loaded || this.blockedByAuth || !navigator.onLine) return;
    for (const lane of new Set(this.queue.map(laneOf))) {
      if (!this.lanes.has(lane)) this.runLane(lane);
    }
  }

  // runLane sends one assignment's writes in order, stopping at the first
  // that must wait. A Web Lock keeps a second tab from sending them too.
  async runLane(lane) {
    this.lanes.add(lane);
    try {
      const work = () => this.sendLane(lane);
      if (navigator.locks) await navigator.locks.request(`ta.lane.${lane}`, { ifAvailable: true }, (lock) => lock && work());
      else await work();
    } finally {
      this.lanes.delete(lane);
    }
  }

  async sendLane(lane) {
    for (;;) {
      const item = this.queue.find((it) => laneOf(it) === lane);
      if (!item || item.storing || item.nextAt > Date.now() || !navigator.onLine || this.blockedByAuth) return;
      let result;
      try {
        result = await this.send(item);
      } catch (err) {
        if (err instanceof AuthError) {
          this.blockedByAuth = true;
          this.onAuth();
          return;
        }
        if (!(err instanceof ApiError)) {
          item.attempts += 1;
          item.nextAt = Date.now() + backoff(item.attempts);
          item.lastError = String(err && err.message || err);
          await db.put(db.OUTBOX, item);
          this.changed();
          return;
        }
        await this.remove(item.id);
        await this.onRejected(item, err);
        continue;
      }
      await this.remove(item.id);
      await this.onDone(item, result);
    }
  }

  async remove(id) {
    this.queue = this.queue.filter((x) => x.id !== id);
    await db.del(db.OUTBOX, id);
    this.changed();
  }
}
