// The form's IndexedDB: the outbox's queued writes and the evidence files
// (photos, audio notes, PDFs) waiting to be uploaded. localStorage holds
// strings of a few megabytes at most; a day of photos does not fit there.
// Both stores survive a reload and days offline.

const NAME = 'touchaudit';
const VERSION = 1;
export const OUTBOX = 'outbox';
export const FILES = 'files';

let opened = null;

function open() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, { keyPath: 'id' });
        if (!db.objectStoreNames.contains(FILES)) db.createObjectStore(FILES, { keyPath: 'id' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return opened;
}

async function tx(store, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    const req = fn(t.objectStore(store));
    t.oncomplete = () => resolve(req && req.result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

export function all(store) { return tx(store, 'readonly', (s) => s.getAll()); }
export function get(store, key) { return tx(store, 'readonly', (s) => s.get(key)); }
export function put(store, value) { return tx(store, 'readwrite', (s) => s.put(value)); }
export function del(store, key) { return tx(store, 'readwrite', (s) => s.delete(key)); }
