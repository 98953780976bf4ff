// Working without a connection (issue 19), driven by the Leptos app (src/offline.rs).
//
// On every page, so kept small (it is part of every first load):
// - registers the service worker (/sw.js, written by `cargo xtask frontend` from
//   frontend/sw.js), which keeps the app and the questionnaires on the device;
// - tells the app when the connection comes and goes;
// - passes the calls about the answers waiting to be sent to the queue module
//   (offline-queue.js: IndexedDB, sending), imported the first time one is made, or at
//   start when answers may wait on this device; and tells the app (in every tab) when a
//   queue changes.

const CHANGED = "solidarites-file-reponses";
/** Set by offline-queue.js while answers may wait on this device. */
const WAITING = "solidarites-reponses-en-attente";
/** The queue module: `cargo xtask frontend` writes its public URL with the build's tag
 * here (the service worker keeps it, for the questionnaire offline). */
const QUEUE_MODULE = "/offline-queue.js";

let queueLoading = null;
// Owner → CSRF token of the queues to send automatically (see `autoSend`).
const autoSenders = new Map();
const listeners = new Set();
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANGED) : null;
if (channel) {
  channel.onmessage = (event) => notify(event.data, false);
}

function notify(detail, broadcast = true) {
  for (const listener of listeners) {
    try {
      listener(JSON.stringify(detail));
    } catch (error) {
      console.error(error);
    }
  }
  if (broadcast && channel) {
    channel.postMessage(detail);
  }
}

/** The queue module, imported once (again after a failure, e.g. offline before the
 * service worker kept it). */
function queue() {
  if (!queueLoading) {
    queueLoading = import(QUEUE_MODULE).then((module) => {
      module.start(notify);
      for (const [owner, csrf] of autoSenders) {
        module.autoSend(owner, csrf);
      }
      return module;
    });
    queueLoading.catch(() => {
      queueLoading = null;
    });
  }
  return queueLoading;
}

/** Whether answers may wait on this device (when storage cannot tell: yes). */
function answersMayWait() {
  try {
    return localStorage.getItem(WAITING) !== null;
  } catch {
    return true;
  }
}

/** Registers the service worker; `onNewVersion()` when a newer app takes over this page. */
export function registerServiceWorker(onNewVersion) {
  if (!("serviceWorker" in navigator)) {
    return;
  }
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (hadController) {
      onNewVersion();
    }
  });
  // After the page has loaded: its install fetches the questionnaire's modules, which must
  // not slow down the first page shown.
  const register = () =>
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
      console.warn("service worker not registered", error);
    });
  if (document.readyState === "complete") {
    register();
  } else {
    window.addEventListener("load", register, { once: true });
  }
}

/** Calls `callback(online)` now and at each change of the connection. */
export function watchConnection(callback) {
  callback(navigator.onLine);
  window.addEventListener("online", () => callback(true));
  window.addEventListener("offline", () => callback(false));
}

/** Calls `callback(detailJson)` after each change of the queue (in any tab). */
export function onQueueChange(callback) {
  listeners.add(callback);
}

/** Stores an answer to send later (`itemJson`: see src/offline.rs `QueuedAnswer`). */
export async function queueAdd(itemJson) {
  return (await queue()).queueAdd(itemJson);
}

/** The answers of `owner`, oldest first, as JSON. */
export async function queueList(owner) {
  return (await queue()).queueList(owner);
}

/** Removes one answer (the person chose to discard it). */
export async function queueRemove(owner, id) {
  return (await queue()).queueRemove(owner, id);
}

/** Removes every answer of `owner`; returns how many there were. */
export async function queueRemoveOwner(owner) {
  return (await queue()).queueRemoveOwner(owner);
}

/**
 * Sends the waiting answers of `owner` now; resolves to a JSON summary
 * `{sent, by_channel, refused, waiting, offline, signed_out}`.
 */
export async function queueSend(owner, csrf) {
  return (await queue()).queueSend(owner, csrf);
}

/**
 * Sends the answers of `owner` automatically: now, when the connection returns, after
 * failures. Without answers waiting on the device, only remembered until the queue
 * module is loaded (by the first answer kept, or a page listing them).
 */
export function autoSend(owner, csrf) {
  autoSenders.set(owner, csrf);
  if (queueLoading) {
    queueLoading.then((module) => module.autoSend(owner, csrf)).catch(() => {});
  } else if (answersMayWait()) {
    queue().catch((error) => console.warn("offline queue not loaded", error));
  }
}

/** Stops sending the answers of `owner` (the agent signed out, the page is gone). */
export function stopSending(owner) {
  autoSenders.delete(owner);
  if (queueLoading) {
    queueLoading.then((module) => module.stopSending(owner)).catch(() => {});
  }
}

/** Asks the browser to keep our storage; "granted", "refused" or "unsupported". */
export async function requestPersistence() {
  return (await queue()).requestPersistence();
}
