// The queue of answers waiting to be sent (issue 19), loaded on demand by offline.js.
//
// Keeps the answers that could not be sent in IndexedDB, each with its Idempotency-Key,
// and sends them when the connection returns, on each visit and on demand: the server
// stores each key once, so an answer sent twice (a lost reply, two tabs) counts once.
//
// Each answer belongs to an `owner`: "public" for a resident's answers, "agent:<id>" for
// those an agent typed in the console. Only the owner's page lists or sends them.
//
// Not part of the first load of the pages: offline.js imports this module the first time
// a page keeps or lists answers (the questionnaire, assisted entry), or on any page when
// answers may wait on this device, which the `localStorage` mark WAITING says (a mark
// only, no personal data).
//
// Plain JS rather than a crate (rexie, idb): a few dozen lines of IndexedDB cost less
// than a generic wrapper compiled into the .wasm.

const DB_NAME = "solidarites-hors-connexion";
const STORE = "reponses";
/** Set while answers may wait on this device; removed once the store is empty. Must match
 * offline.js. */
const WAITING = "solidarites-reponses-en-attente";
/// Waits between automatic attempts after a failure: doubled each time, at most 5 min.
const FIRST_RETRY_MS = 5000;
const LAST_RETRY_MS = 300000;

let dbPromise = null;
// Owner → { csrf, retryMs, timer, sending } for the queues sent automatically.
const senders = new Map();
// offline.js's: tells the app (this tab and the others) that a queue changed.
let notify = () => {};

/** Called once by offline.js with its `notify(detail)`. */
export function start(notifyChange) {
  notify = notifyChange;
  window.addEventListener("online", () => {
    for (const owner of senders.keys()) {
      sendLater(owner, 0);
    }
  });
}

function markWaiting(waiting) {
  try {
    if (waiting) {
      localStorage.setItem(WAITING, "1");
    } else {
      localStorage.removeItem(WAITING);
    }
  } catch {
    // Storage disabled: offline.js then loads this module on every page.
  }
}

/** Removes the mark once no answer of anyone is left on the device. */
async function unmarkIfEmpty() {
  if ((await run("readonly", (store) => store.count())) === 0) {
    markWaiting(false);
  }
}

function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      if (typeof indexedDB === "undefined") {
        reject(new Error("IndexedDB is not available"));
        return;
      }
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: "id" });
        store.createIndex("owner", "owner");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    dbPromise.catch(() => {
      dbPromise = null;
    });
  }
  return dbPromise;
}

async function run(mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const store = tx.objectStore(STORE);
    let result;
    const request = work(store);
    if (request) {
      request.onsuccess = () => {
        result = request.result;
      };
    }
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

async function itemsOf(owner) {
  const items = await run("readonly", (store) => store.index("owner").getAll(owner));
  return (items || []).sort((a, b) => (a.queued_at < b.queued_at ? -1 : 1));
}

/** Stores an answer to send later (`itemJson`: see src/offline.rs `QueuedAnswer`). */
export async function queueAdd(itemJson) {
  const item = JSON.parse(itemJson);
  item.state = "waiting";
  item.message = "";
  // Marked first: a mark without an answer costs a module load, an answer without a mark
  // would wait for the next visit of the questionnaire.
  markWaiting(true);
  await run("readwrite", (store) => store.put(item));
  notify({ owner: item.owner, kind: "added" });
}

/** The answers of `owner`, oldest first, as JSON. */
export async function queueList(owner) {
  return JSON.stringify(await itemsOf(owner));
}

/** Removes one answer (the person chose to discard it). */
export async function queueRemove(owner, id) {
  const item = await run("readonly", (store) => store.get(id));
  if (item && item.owner === owner) {
    await run("readwrite", (store) => store.delete(id));
    await unmarkIfEmpty();
    notify({ owner, kind: "removed" });
  }
}

/** Removes every answer of `owner`; returns how many there were. */
export async function queueRemoveOwner(owner) {
  const items = await itemsOf(owner);
  if (items.length) {
    await run("readwrite", (store) => {
      for (const item of items) {
        store.delete(item.id);
      }
    });
    await unmarkIfEmpty();
    notify({ owner, kind: "removed" });
  }
  return items.length;
}

/** Sends the answers of `owner` automatically (now, when online comes back, after failures). */
export function autoSend(owner, csrf) {
  const known = senders.get(owner);
  if (known) {
    known.csrf = csrf;
  } else {
    senders.set(owner, { csrf, retryMs: FIRST_RETRY_MS, timer: null, sending: null });
  }
  sendLater(owner, 0);
}

/** Stops sending the answers of `owner` (the agent signed out, the page is gone). */
export function stopSending(owner) {
  const sender = senders.get(owner);
  if (sender) {
    clearTimeout(sender.timer);
    senders.delete(owner);
  }
}

function sendLater(owner, delay) {
  const sender = senders.get(owner);
  if (!sender) {
    return;
  }
  clearTimeout(sender.timer);
  sender.timer = setTimeout(() => {
    queueSend(owner, sender.csrf).catch((error) => console.warn(error));
  }, delay);
}

/**
 * Sends the waiting answers of `owner` now, one after the other; resolves to a JSON
 * summary `{sent, by_channel, refused, waiting, offline, signed_out}`.
 */
export function queueSend(owner, csrf) {
  const sender = senders.get(owner);
  if (sender && sender.sending) {
    return sender.sending;
  }
  const sending = sendAll(owner, csrf).finally(() => {
    if (sender) {
      sender.sending = null;
    }
  });
  if (sender) {
    sender.sending = sending;
  }
  return sending;
}

async function sendAll(owner, csrf) {
  const summary = { sent: 0, by_channel: {}, refused: 0, waiting: 0, offline: false, signed_out: false };
  let stop = false;
  for (const item of await itemsOf(owner)) {
    if (item.state === "refused") {
      summary.refused += 1;
      continue;
    }
    if (stop) {
      summary.waiting += 1;
      continue;
    }
    const outcome = await sendOne(item, csrf);
    if (outcome.kind === "sent") {
      await run("readwrite", (store) => store.delete(item.id));
      summary.sent += 1;
      const key = item.channel || "web";
      summary.by_channel[key] = (summary.by_channel[key] || 0) + 1;
    } else if (outcome.kind === "refused") {
      item.state = "refused";
      item.message = outcome.message;
      await run("readwrite", (store) => store.put(item));
      summary.refused += 1;
    } else {
      // Offline, server busy or down, session over: the rest waits for the next attempt.
      summary.waiting += 1;
      summary.offline = outcome.kind === "offline";
      summary.signed_out = outcome.kind === "signed_out";
      stop = true;
    }
  }
  if (summary.sent) {
    await unmarkIfEmpty();
  }
  const sender = senders.get(owner);
  if (sender) {
    if (summary.waiting && !summary.signed_out) {
      const delay = sender.retryMs;
      sender.retryMs = Math.min(sender.retryMs * 2, LAST_RETRY_MS);
      // Offline: the `online` event sends them; retry anyway in case it never fires.
      sendLater(owner, delay);
    } else {
      sender.retryMs = FIRST_RETRY_MS;
    }
  }
  notify({ owner, kind: "sent", summary });
  return JSON.stringify(summary);
}

async function sendOne(item, csrf) {
  const headers = {
    Accept: "application/json",
    "Content-Type": "application/json",
    "Idempotency-Key": item.id,
  };
  if (csrf) {
    headers["X-CSRF-Token"] = csrf;
  }
  let response;
  try {
    response = await fetch(item.url, {
      method: "POST",
      headers,
      body: JSON.stringify(item.body),
      credentials: "same-origin",
    });
  } catch {
    return { kind: "offline" };
  }
  if (response.ok) {
    return { kind: "sent" };
  }
  let body = {};
  try {
    body = await response.json();
  } catch {
    // no JSON body
  }
  const message = typeof body.message === "string" ? body.message : "";
  // The campaign closed or is gone, or the answers no longer fit its questionnaire: kept
  // until the person decides, with the server's reason.
  if (response.status === 410 || response.status === 404) {
    return { kind: "refused", message: message || "closed" };
  }
  if (response.status === 422) {
    // Checked on this device against the questionnaire of the time: refused now, the
    // questionnaire has changed since.
    return { kind: "refused", message: "changed" };
  }
  if (response.status === 409 && body.error === "campaign_not_open") {
    return { kind: "refused", message: message || "closed" };
  }
  if (response.status === 401 || response.status === 403) {
    return { kind: "signed_out" };
  }
  return { kind: "later" };
}

/** Asks the browser to keep our storage; "granted", "refused" or "unsupported". */
export async function requestPersistence() {
  if (!navigator.storage || typeof navigator.storage.persist !== "function") {
    return "unsupported";
  }
  try {
    if (await navigator.storage.persisted()) {
      return "granted";
    }
    return (await navigator.storage.persist()) ? "granted" : "refused";
  } catch {
    return "refused";
  }
}
