//! Cursor pagination.
//!
//! List endpoints return one [`Page`] at a time; their `*_stream` counterparts walk all pages
//! lazily and yield the items one by one as a [`futures::Stream`].

use std::collections::HashSet;
use std::future::Future;

use futures::{Stream, TryStreamExt};

use super::error::Error;

/// One page of a cursor-paginated listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items of this page, in the order the API returned them.
    pub items: Vec<T>,
    /// Opaque cursor of the next page (`meta.paginate.next_page`), or `None` on the last page.
    /// Pass it back unchanged to fetch the next page.
    pub next_cursor: Option<String>,
}

/// Where the walk goes after a page.
enum Next {
    /// Fetch the page at this cursor.
    Fetch(Option<String>),
    /// Report a cursor that was already seen, then stop.
    Repeated(String),
    /// Stop.
    Done,
}

struct State<F> {
    fetch: F,
    next: Next,
    seen: HashSet<String>,
}

/// Streams every page of a cursor-paginated listing, starting at `first_cursor`.
///
/// `fetch(cursor)` loads one page. It is called lazily: the next page is requested only when
/// the stream is polled again. The stream ends after a page without a (non-empty) next cursor,
/// at an empty page (which it does not yield), or after the first error. A next cursor that was
/// already seen yields [`Error::RepeatedCursor`] after the page that returned it, and ends the
/// stream.
#[doc(hidden)]
pub fn pages<T, F, Fut>(first_cursor: Option<String>, fetch: F) -> impl Stream<Item = Result<Page<T>, Error>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    let state = State {
        fetch,
        seen: first_cursor.iter().cloned().collect(),
        next: Next::Fetch(first_cursor),
    };
    futures::stream::unfold(state, |mut state| async move {
        let cursor = match std::mem::replace(&mut state.next, Next::Done) {
            Next::Fetch(cursor) => cursor,
            Next::Repeated(cursor) => return Some((Err(Error::RepeatedCursor { cursor }), state)),
            Next::Done => return None,
        };
        let page = match (state.fetch)(cursor).await {
            Ok(page) => page,
            Err(e) => return Some((Err(e), state)),
        };
        if page.items.is_empty() {
            return None;
        }
        state.next = match page.next_cursor.as_ref().filter(|c| !c.is_empty()) {
            None => Next::Done,
            Some(c) if state.seen.contains(c) => Next::Repeated(c.clone()),
            Some(c) => {
                state.seen.insert(c.clone());
                Next::Fetch(Some(c.clone()))
            }
        };
        Some((Ok(page), state))
    })
}

/// Streams every item of a cursor-paginated listing: the items of [`pages`], one by one.
///
/// At most one page is held in memory: the next one is fetched only when the items of the
/// previous one have been consumed. A repeated cursor yields [`Error::RepeatedCursor`] once the
/// current page's items are consumed, and ends the stream.
#[doc(hidden)]
pub fn paginate<T, F, Fut>(
    first_cursor: Option<String>,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    pages(first_cursor, fetch)
        .map_ok(|page| futures::stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::{StreamExt, TryStreamExt};
    use std::cell::RefCell;

    fn page(items: &[u32], next: Option<&str>) -> Page<u32> {
        Page {
            items: items.to_vec(),
            next_cursor: next.map(str::to_owned),
        }
    }

    /// Serves pages keyed by cursor and records every requested cursor.
    async fn run(
        pages: &[(Option<&str>, Page<u32>)],
        first: Option<&str>,
    ) -> (Vec<Result<u32, Error>>, Vec<Option<String>>) {
        let calls = RefCell::new(Vec::new());
        let stream = paginate(first.map(str::to_owned), |cursor: Option<String>| {
            calls.borrow_mut().push(cursor.clone());
            let found = pages
                .iter()
                .find(|(c, _)| c.map(str::to_owned) == cursor)
                .map(|(_, p)| p.clone());
            async move { found.ok_or_else(|| Error::Config(format!("no page for {cursor:?}"))) }
        });
        let out = stream.collect::<Vec<_>>().await;
        (out, calls.into_inner())
    }

    #[tokio::test]
    async fn walks_three_pages_lazily() {
        let pages = [
            (None, page(&[1, 2], Some("b"))),
            (Some("b"), page(&[3, 4], Some("c"))),
            (Some("c"), page(&[5], None)),
        ];
        let (out, calls) = run(&pages, None).await;
        assert_eq!(
            out.into_iter().collect::<Result<Vec<_>, _>>().unwrap(),
            [1, 2, 3, 4, 5]
        );
        assert_eq!(calls, [None, Some("b".to_owned()), Some("c".to_owned())]);

        // Taking only the first two items must not fetch the second page.
        let fetched = RefCell::new(0);
        let first_two: Vec<u32> = paginate(None, |cursor: Option<String>| {
            *fetched.borrow_mut() += 1;
            let p = pages
                .iter()
                .find(|(c, _)| c.map(str::to_owned) == cursor)
                .map(|(_, p)| p.clone());
            async move { p.ok_or_else(|| Error::Config("missing".to_owned())) }
        })
        .take(2)
        .try_collect()
        .await
        .unwrap();
        assert_eq!(first_two, [1, 2]);
        assert_eq!(*fetched.borrow(), 1);
    }

    #[tokio::test]
    async fn stops_on_empty_cursor_or_empty_page() {
        let (out, calls) = run(&[(None, page(&[1], Some("")))], None).await;
        assert_eq!(out.len(), 1);
        assert_eq!(calls.len(), 1);

        let pages = [
            (None, page(&[1], Some("b"))),
            (Some("b"), page(&[], Some("c"))),
        ];
        let (out, calls) = run(&pages, None).await;
        assert_eq!(out.into_iter().collect::<Result<Vec<_>, _>>().unwrap(), [1]);
        assert_eq!(calls.len(), 2);
    }

    #[tokio::test]
    async fn repeated_cursor_is_an_error() {
        let pages = [
            (Some("a"), page(&[1], Some("b"))),
            (Some("b"), page(&[2], Some("a"))),
        ];
        let (out, calls) = run(&pages, Some("a")).await;
        assert_eq!(out.len(), 3);
        assert_eq!(*out[0].as_ref().unwrap(), 1);
        assert_eq!(*out[1].as_ref().unwrap(), 2);
        assert!(matches!(&out[2], Err(Error::RepeatedCursor { cursor }) if cursor == "a"));
        assert_eq!(calls.len(), 2);
    }

    #[tokio::test]
    async fn error_ends_the_stream() {
        let (out, _) = run(&[(None, page(&[1], Some("missing")))], None).await;
        assert_eq!(out.len(), 2);
        assert!(matches!(out[1], Err(Error::Config(_))));
    }
}
