// Evidence: the photos, audio notes and PDFs an auditor attaches to a walk,
// a step or an answer. Images are downsized on the phone before they are
// hashed and stored (a 12-megapixel photo is 4 MB; the lead needs to read a
// price tag, not print a poster). Files wait in IndexedDB (db.js) and are
// uploaded by the outbox in three calls (docs/API.md): ask for an upload
// URL, PUT the bytes with exactly the headers given, confirm.

import * as db from './db.js';
import { api, upload, ApiError, RetryError, uuid } from './outbox.js';

// MAX_BYTES is the API's bound on one file (10 MiB).
export const MAX_BYTES = 10 * 1024 * 1024;
// LONG_SIDE and JPEG_QUALITY: 1600 px and 0.8 keep text on a photographed
// leaflet readable at a few hundred kilobytes.
export const LONG_SIDE = 1600;
export const JPEG_QUALITY = 0.8;
// TYPES are the content types the API accepts.
export const TYPES = ['image/jpeg', 'image/png', 'image/webp', 'audio/mp4', 'audio/mpeg', 'audio/webm', 'application/pdf'];

export class EvidenceError extends Error {}

// downsize draws an image at most LONG_SIDE px on its long side as a JPEG.
async function downsize(file) {
  const bmp = await createImageBitmap(file);
  const scale = Math.min(1, LONG_SIDE / Math.max(bmp.width, bmp.height));
  const w = Math.max(1, Math.round(bmp.width * scale));
  const h = Math.max(1, Math.round(bmp.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff'; // a transparent PNG would turn black in a JPEG
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(bmp, 0, 0, w, h);
  bmp.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
  if (!blob) throw new EvidenceError('image');
  return { blob, width: w, height: h };
}

export async function sha256(blob) {
  const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  let s = '';
  for (const b of sum) s += String.fromCharCode(b);
  return btoa(s);
}

// addFile prepares a chosen file and keeps it on the phone. attachTo is
// {step: key}, {criterionId: id} or {}. It throws EvidenceError('type') or
// EvidenceError('size').
export async function addFile(assignmentId, attachTo, file) {
  let blob = file;
  let contentType = file.type;
  let fileName = file.name || 'file';
  if (contentType.startsWith('image/')) {
    ({ blob } = await downsize(file));
    contentType = 'image/jpeg';
    fileName = fileName.replace(/\.[^.]*$/, '') + '.jpg';
  } else if (!TYPES.includes(contentType)) {
    throw new EvidenceError('type');
  }
  if (blob.size > MAX_BYTES) throw new EvidenceError('size');
  const rec = {
    id: `f-${uuid()}`, assignmentId, attachTo: attachTo || {}, fileName: fileName.slice(0, 200), contentType,
    size: blob.size, sha256: await sha256(blob), blob, addedAt: new Date().toISOString(), state: 'local', evidenceId: '',
  };
  await db.put(db.FILES, rec);
  return rec;
}

export async function filesOf(assignmentId) {
  const all = await db.all(db.FILES).catch(() => []);
  return all.filter((f) => f.assignmentId === assignmentId).sort((a, b) => a.addedAt.localeCompare(b.addedAt));
}

export function getFile(id) { return db.get(db.FILES, id); }

export function putFile(rec) { return db.put(db.FILES, rec); }

export function removeFile(id) { return db.del(db.FILES, id); }

// sendFile uploads one file, resuming where an earlier attempt stopped.
export async function sendFile(token, base, rec) {
  if (rec.state === 'uploaded') return rec;
  if (rec.upload && Date.parse(rec.upload.expiresAt) < Date.now()) {
    rec.evidenceId = '';
    rec.upload = null;
  }
  if (!rec.evidenceId) {
    const r = await api(token, 'POST', `${base}/evidence`, {
      fileName: rec.fileName, contentType: rec.contentType, size: rec.size, sha256: rec.sha256, attachTo: rec.attachTo,
    });
    rec.evidenceId = r.evidence.id;
    rec.upload = r.upload;
    rec.putDone = false;
    await putFile(rec);
  }
  if (!rec.putDone) {
    try {
      await upload(rec.upload.url, rec.upload.headers || {}, rec.blob);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // The URL expired or was refused: ask for a new one next time.
      rec.evidenceId = '';
      rec.upload = null;
      await putFile(rec);
      throw new RetryError(`upload refused (HTTP ${err.status})`);
    }
    rec.putDone = true;
    await putFile(rec);
  }
  await api(token, 'POST', `${base}/evidence/${encodeURIComponent(rec.evidenceId)}/uploaded`);
  rec.state = 'uploaded';
  rec.upload = null;
  await putFile(rec);
  return rec;
}
