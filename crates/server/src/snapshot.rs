//! The one "reload when the stored revision changes" mechanism: an immutable value built
//! from stored data, tagged with the revision of what it was built from, that readers
//! share without waiting and that is swapped whole when the stored revision moves on.
//!
//! Used by the territory ([`crate::territory::TerritoryCache`]), the map
//! ([`crate::map::MapCache`]) and the results' zones, offers and gap territory
//! ([`crate::results::ResultsCache`]), and the web app's preload manifest
//! ([`crate::routes::PreloadCache`], its file's stamp as revision). Concurrent readers that see a new revision
//! together wait for one load, not one each.

use std::{
    future::Future,
    sync::{Arc, RwLock},
};

/// A value built from stored data, with the revision of that data.
pub trait Revisioned {
    type Revision: PartialEq;

    fn revision(&self) -> Self::Revision;
}

/// A value and the revision it was built at, for values that do not carry one.
#[derive(Debug)]
pub struct Tagged<R, T> {
    pub revision: R,
    pub value: T,
}

impl<R: PartialEq + Clone, T> Revisioned for Tagged<R, T> {
    type Revision = R;

    fn revision(&self) -> R {
        self.revision.clone()
    }
}

/// The current value, swapped whole on reload.
#[derive(Debug)]
pub struct Snapshot<T> {
    current: RwLock<Arc<T>>,
    /// Held while a load runs, so that callers seeing a new revision together load once.
    loading: tokio::sync::Mutex<()>,
}

impl<T: Default + Revisioned> Default for Snapshot<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: Revisioned> Snapshot<T> {
    pub fn new(value: T) -> Self {
        Self {
            current: RwLock::new(Arc::new(value)),
            loading: tokio::sync::Mutex::new(()),
        }
    }

    /// The value held now; never waits for a load.
    pub fn current(&self) -> Arc<T> {
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            // A panic while holding the lock cannot leave a half-written Arc: keep serving.
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn swap(&self, value: Arc<T>) {
        match self.current.write() {
            Ok(mut guard) => *guard = value,
            Err(poisoned) => *poisoned.into_inner() = value,
        }
    }

    /// Reloads with `load` when the revision `stored` reads differs from the held value's.
    /// Returns whether it reloaded. `load` should read the revision before the data, so
    /// that a change landing in between makes the next refresh reload again.
    pub async fn refresh<E, Stored, Load>(
        &self,
        stored: impl Fn() -> Stored,
        load: impl FnOnce() -> Load,
    ) -> Result<bool, E>
    where
        Stored: Future<Output = Result<T::Revision, E>>,
        Load: Future<Output = Result<T, E>>,
    {
        if stored().await? == self.current().revision() {
            return Ok(false);
        }
        let _loading = self.loading.lock().await;
        // Another caller may have reloaded while this one waited.
        if stored().await? == self.current().revision() {
            return Ok(false);
        }
        self.swap(Arc::new(load().await?));
        Ok(true)
    }

    /// The value at `revision` (already known to the caller): the held one, or one built
    /// by `load` and swapped in.
    pub async fn at<E, Load>(
        &self,
        revision: &T::Revision,
        load: impl FnOnce() -> Load,
    ) -> Result<Arc<T>, E>
    where
        Load: Future<Output = Result<T, E>>,
    {
        let held = self.current();
        if held.revision() == *revision {
            return Ok(held);
        }
        let _loading = self.loading.lock().await;
        let held = self.current();
        if held.revision() == *revision {
            return Ok(held);
        }
        let loaded = Arc::new(load().await?);
        self.swap(Arc::clone(&loaded));
        Ok(loaded)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    type Value = Tagged<i64, &'static str>;

    fn tagged(revision: i64, value: &'static str) -> Value {
        Tagged { revision, value }
    }

    #[tokio::test]
    async fn reloads_only_when_the_stored_revision_moves_on() {
        let snapshot = Snapshot::new(tagged(1, "one"));
        let loads = AtomicUsize::new(0);
        let load = |value| {
            loads.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, ()>(tagged(2, value)) }
        };
        assert_eq!(
            snapshot.refresh(|| async { Ok(1) }, || load("x")).await,
            Ok(false)
        );
        assert_eq!(snapshot.current().value, "one");
        assert_eq!(
            snapshot.refresh(|| async { Ok(2) }, || load("two")).await,
            Ok(true)
        );
        assert_eq!(snapshot.current().value, "two");
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_load_keeps_the_held_value() {
        let snapshot = Snapshot::new(tagged(1, "one"));
        let outcome = snapshot
            .refresh(|| async { Ok(2) }, || async { Err::<Value, _>("db down") })
            .await;
        assert_eq!(outcome, Err("db down"));
        assert_eq!(snapshot.current().value, "one");
    }

    #[tokio::test]
    async fn callers_asking_for_a_new_revision_together_load_it_once() {
        let snapshot = Arc::new(Snapshot::new(tagged(1, "one")));
        let loads = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (snapshot, loads) = (Arc::clone(&snapshot), Arc::clone(&loads));
            tasks.push(tokio::spawn(async move {
                snapshot
                    .at(&2, || async move {
                        loads.fetch_add(1, Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        Ok::<_, ()>(tagged(2, "two"))
                    })
                    .await
                    .map(|v| v.value)
            }));
        }
        for task in tasks {
            assert_eq!(task.await.ok(), Some(Ok("two")));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }
}
