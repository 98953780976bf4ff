//! The public lists from memory (issue 17, point 4): `GET /proposals` and
//! `GET /initiatives` keep the pages they answered, ready to send, for as long as what
//! they were built from has not changed.
//!
//! What a page was built from is its *stamp*: the revision of the list in the database
//! (`storage::list_revisions`, bumped by triggers on every table the list reads, in the
//! transaction of the write, whoever wrote), plus what the list takes from memory — the
//! territory (commune names), the public day (ended and stale listings), the needs table
//! (proposals). A request reads the stored revision (one primary-key lookup, as the
//! clusters do for the map), builds its stamp, and answers from the pages of that stamp;
//! when the stamp moved on, the pages are dropped whole (one [`Snapshot`] swap) and the
//! first request of each page builds it again through the very code that answered before
//! (same queries, same filters, same sort, same secrecy path for the needs), so paging,
//! filters and payloads cannot drift from the database path.
//!
//! Since the revision is read *before* a page is built from the database, a page holds
//! data at least as new as its stamp: a write landing in between bumps the revision, and
//! the next request drops the page.
//!
//! The revision read is shared ([`SharedRead`]): requests arriving together wait for one
//! read that started after they arrived, so a request still sees every write committed
//! before it came in (on any instance), while under load one primary-key lookup serves
//! many requests instead of one each (on SQLite each lookup is a hand-off to the
//! connection's thread, which dominated the cost of a kept page).

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
    time::Instant,
};

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use solidarites_api_types::ProposalListResponse;
use uuid::Uuid;

use crate::{
    needs::NeedsTable,
    snapshot::{Revisioned, Snapshot},
    territory::LoadedTerritory,
};

/// Most pages kept per stamp (distinct query strings): bounds memory when clients vary
/// their queries (searches); pages beyond it are built for each request.
pub const MAX_PAGES: usize = 256;

/// The pages built for one stamp, by query string.
#[derive(Debug)]
pub struct Pages<S, P> {
    /// `None` before the first request.
    stamp: Option<S>,
    pages: Mutex<HashMap<String, Arc<P>>>,
}

impl<S: PartialEq + Clone, P> Revisioned for Pages<S, P> {
    type Revision = Option<S>;

    fn revision(&self) -> Option<S> {
        self.stamp.clone()
    }
}

impl<S, P> Pages<S, P> {
    fn new(stamp: Option<S>) -> Self {
        Self {
            stamp,
            pages: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<P>>> {
        // A panic while holding the lock cannot leave the map half-written: keep going.
        self.pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The pages of one list, for the current stamp.
#[derive(Debug)]
pub struct ListCache<S, P> {
    pages: Snapshot<Pages<S, P>>,
}

impl<S: PartialEq + Clone, P> Default for ListCache<S, P> {
    fn default() -> Self {
        Self {
            pages: Snapshot::new(Pages::new(None)),
        }
    }
}

impl<S: PartialEq + Clone, P> ListCache<S, P> {
    /// The page of `query` at `stamp`: kept, or built by `build` (and kept, up to
    /// [`MAX_PAGES`] per stamp). A failed build is not kept.
    pub async fn page<E, Build, Fut>(
        &self,
        stamp: S,
        query: &str,
        build: Build,
    ) -> Result<Arc<P>, E>
    where
        Build: FnOnce() -> Fut,
        Fut: Future<Output = Result<P, E>>,
    {
        let stamp = Some(stamp);
        let pages = match self
            .pages
            .at(&stamp, || async {
                Ok::<_, std::convert::Infallible>(Pages::new(stamp.clone()))
            })
            .await
        {
            Ok(pages) => pages,
            Err(never) => match never {},
        };
        if let Some(page) = pages.lock().get(query) {
            return Ok(Arc::clone(page));
        }
        let built = Arc::new(build().await?);
        let mut kept = pages.lock();
        if kept.len() < MAX_PAGES {
            kept.insert(query.to_owned(), Arc::clone(&built));
        }
        Ok(built)
    }
}

/// One read of a stored value shared by the requests that wait for it at once, without
/// ever answering a request with a value read before it arrived.
///
/// The last value is kept with the instant its read *started*. A request arriving at `t`
/// takes the lock (FIFO) and uses the kept value only if its read started after `t`, so
/// it reflects every commit that finished before the request arrived; otherwise it reads
/// again itself, holding the lock, and the requests queued behind it use that read.
#[derive(Debug, Default)]
pub struct SharedRead {
    last: tokio::sync::Mutex<Option<(Instant, i64)>>,
}

impl SharedRead {
    /// The value, from a read that started after this call: shared or made by `read`.
    pub async fn get<E, Read, Fut>(&self, read: Read) -> Result<i64, E>
    where
        Read: FnOnce() -> Fut,
        Fut: Future<Output = Result<i64, E>>,
    {
        let arrived = Instant::now();
        let mut last = self.last.lock().await;
        if let Some((started, value)) = *last {
            if started > arrived {
                return Ok(value);
            }
        }
        let started = Instant::now();
        let value = read().await?;
        *last = Some((started, value));
        Ok(value)
    }
}

/// An `Arc` compared by identity, for stamps: the territory and the needs table are
/// swapped whole when they change (and kept when a re-read finds them equal).
#[derive(Debug)]
pub struct Same<T>(pub Arc<T>);

impl<T> Clone for Same<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Same<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What a page of `GET /proposals` was built from.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalsStamp {
    pub revision: i64,
    pub territory: Same<LoadedTerritory>,
    /// The needs table the page shows (`None`: no campaign with answers).
    pub needs: Option<Same<NeedsTable>>,
}

/// A page of `GET /proposals`: the answer without `supported_by_me`, ready to send, and
/// its proposals' ids (a request with a device token looks up only that device's supports).
#[derive(Debug)]
pub struct ProposalsPage {
    pub response: ProposalListResponse,
    pub ids: Vec<Uuid>,
    pub body: Bytes,
}

/// What a page of `GET /initiatives` was built from.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativesStamp {
    pub revision: i64,
    pub territory: Same<LoadedTerritory>,
    /// The public day: ended and stale listings drop out as days pass.
    pub today: NaiveDate,
    pub confirmed_since: DateTime<Utc>,
}

/// The public lists' pages.
#[derive(Debug, Default)]
pub struct PublicLists {
    pub proposals: ListCache<ProposalsStamp, ProposalsPage>,
    /// Pages of `GET /initiatives`, ready to send.
    pub initiatives: ListCache<InitiativesStamp, Bytes>,
    /// Reads of the proposals' stored revision.
    pub proposals_revision: SharedRead,
    /// Reads of the initiatives' stored revision.
    pub initiatives_revision: SharedRead,
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn pages_are_built_once_per_stamp_and_query() {
        let cache: ListCache<i64, String> = ListCache::default();
        let builds = AtomicUsize::new(0);
        let build = |value: &'static str| {
            builds.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, ()>(value.to_owned()) }
        };
        assert_eq!(*cache.page(1, "a", || build("a1")).await.unwrap(), "a1");
        assert_eq!(*cache.page(1, "a", || build("other")).await.unwrap(), "a1");
        assert_eq!(*cache.page(1, "b", || build("b1")).await.unwrap(), "b1");
        // A new stamp drops every page.
        assert_eq!(*cache.page(2, "a", || build("a2")).await.unwrap(), "a2");
        assert_eq!(*cache.page(2, "b", || build("b2")).await.unwrap(), "b2");
        assert_eq!(builds.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn a_failed_build_is_not_kept() {
        let cache: ListCache<i64, String> = ListCache::default();
        let failed = cache
            .page(1, "a", || async { Err::<String, _>("db down") })
            .await;
        assert_eq!(failed, Err("db down"));
        let page = cache
            .page(1, "a", || async { Ok::<_, &str>("a".to_owned()) })
            .await;
        assert_eq!(page.map(|p| p.to_string()), Ok("a".to_owned()));
    }

    #[tokio::test]
    async fn pages_beyond_the_bound_are_built_each_time() {
        let cache: ListCache<i64, usize> = ListCache::default();
        for i in 0..MAX_PAGES {
            let _ = cache
                .page(1, &i.to_string(), || async move { Ok::<_, ()>(i) })
                .await;
        }
        let first = cache.page(1, "extra", || async { Ok::<_, ()>(1) }).await;
        let second = cache.page(1, "extra", || async { Ok::<_, ()>(2) }).await;
        assert_eq!((first, second), (Ok(Arc::new(1)), Ok(Arc::new(2))));
    }

    #[tokio::test]
    async fn a_read_that_started_before_a_request_arrived_is_not_reused() {
        let shared = SharedRead::default();
        let reads = AtomicUsize::new(0);
        let read = |value: i64| {
            reads.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, ()>(value) }
        };
        assert_eq!(shared.get(|| read(1)).await, Ok(1));
        // One after the other: each request reads what was committed before it came.
        assert_eq!(shared.get(|| read(2)).await, Ok(2));
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        // A failed read is not kept.
        assert_eq!(shared.get(|| async { Err::<i64, _>(()) }).await, Err(()));
        assert_eq!(shared.get(|| read(3)).await, Ok(3));
    }

    #[tokio::test]
    async fn requests_waiting_together_share_one_read_started_after_they_came() {
        let shared = Arc::new(SharedRead::default());
        let reads = Arc::new(AtomicUsize::new(0));
        let (release, held) = tokio::sync::oneshot::channel::<()>();
        // A first read in flight, held until released.
        let first = {
            let (shared, reads) = (Arc::clone(&shared), Arc::clone(&reads));
            tokio::spawn(async move {
                shared
                    .get(|| async move {
                        reads.fetch_add(1, Ordering::SeqCst);
                        held.await.map_err(|_| ())?;
                        Ok::<_, ()>(1)
                    })
                    .await
            })
        };
        while reads.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // Five requests arrive while it is in flight: its value may predate their
        // arrival, so they wait for the next read, which they all share.
        let waiting: Vec<_> = (0..5)
            .map(|_| {
                let (shared, reads) = (Arc::clone(&shared), Arc::clone(&reads));
                tokio::spawn(async move {
                    shared
                        .get(|| async move {
                            Ok::<_, ()>(10 + reads.fetch_add(1, Ordering::SeqCst) as i64)
                        })
                        .await
                })
            })
            .collect();
        tokio::task::yield_now().await;
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(1));
        for request in waiting {
            assert_eq!(request.await.unwrap(), Ok(11));
        }
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn same_compares_by_identity() {
        let a = Arc::new(1);
        assert!(Same(Arc::clone(&a)) == Same(Arc::clone(&a)));
        assert!(Same(a) != Same(Arc::new(1)));
    }
}
