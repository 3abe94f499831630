//! Client-side rate limiting at Pachca's documented limits (feature `rate-limit`).
//!
//! Pachca limits a token to about 50 requests per second overall, and
//! messages to about 4 per second into one chat; past that it answers HTTP
//! 429, which the client retries after `Retry-After` (see
//! [`RetryPolicy`](crate::RetryPolicy)) but which still costs a round trip
//! and a wait. A [`RateLimiter`] keeps a bot under both limits before it
//! sends: [`until_ready`](RateLimiter::until_ready) before any request,
//! [`until_chat_ready`](RateLimiter::until_chat_ready) before a message into a
//! chat (it waits for both limits).
//!
//! The OpenAPI spec itself names no figures: it has only the `rate_limit`
//! error code ("Rate limit reached", `ValidationErrorCode::RateLimit`). The
//! figures are Pachca's published guidance, quoted in this project's skill
//! catalogue (`spec/skills/catalogue.yaml`, `shared.rate_limit` and
//! `pachca-messages`' `rate_limit`): "about 50 requests per second overall
//! and about 4 messages per second into one chat".
//!
//! ```no_run
//! # async fn run(client: &pachca::Client) -> Result<(), pachca::Error> {
//! use pachca::models::{MessageCreateRequest, MessageCreateRequestMessage};
//! use pachca::rate_limit::RateLimiter;
//!
//! let limiter = RateLimiter::pachca_defaults();
//! for chat_id in [334, 335, 334] {
//!     limiter.until_chat_ready(chat_id).await;
//!     let body = MessageCreateRequest::new(MessageCreateRequestMessage::new(chat_id, "Deploy finished"));
//!     client.messages().create_message(&body).await?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Requests are spaced evenly (no bursts): at 4 per second a chat gets one
//! message every 250 ms, so no one-second window holds more than the limit.
//! One limiter is meant to be shared by everything that uses the same token
//! (it is `Send + Sync`; wrap it in an `Arc`).

use std::fmt;
use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota};

/// Pachca's overall limit: about 50 requests per second per token.
pub const REQUESTS_PER_SECOND: NonZeroU32 = match NonZeroU32::new(50) {
    Some(n) => n,
    None => panic!("50 is not zero"),
};

/// Pachca's message limit: about 4 messages per second into one chat.
pub const MESSAGES_PER_CHAT_PER_SECOND: NonZeroU32 = match NonZeroU32::new(4) {
    Some(n) => n,
    None => panic!("4 is not zero"),
};

/// Waits before requests so that they stay under an overall rate and a
/// per-chat message rate.
///
/// [`pachca_defaults`](Self::pachca_defaults) has Pachca's limits
/// ([`REQUESTS_PER_SECOND`], [`MESSAGES_PER_CHAT_PER_SECOND`]);
/// [`per_second`](Self::per_second) other rates (a share of the limits for
/// one of several processes using the same token, or faster ones in tests).
pub struct RateLimiter {
    requests_per_second: NonZeroU32,
    messages_per_chat_per_second: NonZeroU32,
    global: DefaultDirectRateLimiter,
    chats: DefaultKeyedRateLimiter<i64>,
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("requests_per_second", &self.requests_per_second)
            .field("messages_per_chat_per_second", &self.messages_per_chat_per_second)
            .field("chats_tracked", &self.chats.len())
            .finish()
    }
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::pachca_defaults()
    }
}

impl RateLimiter {
    /// A limiter at Pachca's documented limits: 50 requests per second
    /// overall, 4 messages per second into each chat.
    #[must_use]
    pub fn pachca_defaults() -> Self {
        Self::per_second(REQUESTS_PER_SECOND, MESSAGES_PER_CHAT_PER_SECOND)
    }

    /// A limiter at `requests_per_second` overall and
    /// `messages_per_chat_per_second` into each chat, requests spaced evenly.
    #[must_use]
    pub fn per_second(requests_per_second: NonZeroU32, messages_per_chat_per_second: NonZeroU32) -> Self {
        let even = |rate: NonZeroU32| Quota::per_second(rate).allow_burst(NonZeroU32::MIN);
        Self {
            requests_per_second,
            messages_per_chat_per_second,
            global: DefaultDirectRateLimiter::direct(even(requests_per_second)),
            chats: DefaultKeyedRateLimiter::keyed(even(messages_per_chat_per_second)),
        }
    }

    /// The overall rate, requests per second.
    #[must_use]
    pub fn requests_per_second(&self) -> NonZeroU32 {
        self.requests_per_second
    }

    /// The rate of messages into one chat, per second.
    #[must_use]
    pub fn messages_per_chat_per_second(&self) -> NonZeroU32 {
        self.messages_per_chat_per_second
    }

    /// Waits until one more request fits under the overall rate, and counts it.
    pub async fn until_ready(&self) {
        self.global.until_ready().await;
    }

    /// Waits until one more message into `chat_id` fits under the chat's rate
    /// and then under the overall rate, and counts it against both.
    pub async fn until_chat_ready(&self, chat_id: i64) {
        self.chats.until_key_ready(&chat_id).await;
        self.global.until_ready().await;
    }

    /// Whether one more request fits under the overall rate now; counts it if so.
    #[must_use]
    pub fn try_acquire(&self) -> bool {
        self.global.check().is_ok()
    }

    /// Forgets the chats whose rate is back to full, so a long-running bot
    /// writing to many chats does not keep a record for each one forever.
    pub fn forget_idle_chats(&self) {
        self.chats.retain_recent();
        self.chats.shrink_to_fit();
    }

    /// How many chats the limiter keeps a record for.
    #[must_use]
    pub fn chats_tracked(&self) -> usize {
        self.chats.len()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::*;

    fn rate(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).expect("a non-zero rate")
    }

    #[test]
    fn pachca_defaults_are_the_documented_limits() {
        let limiter = RateLimiter::pachca_defaults();
        assert_eq!(limiter.requests_per_second().get(), 50);
        assert_eq!(limiter.messages_per_chat_per_second().get(), 4);
        let debug = format!("{limiter:?}");
        assert!(debug.contains("requests_per_second: 50") && debug.contains("chats_tracked: 0"), "{debug}");
    }

    #[tokio::test]
    async fn requests_are_spaced_at_the_overall_rate() {
        // 10 requests at 20/s, evenly spaced: the first at once, nine 50 ms apart.
        let limiter = RateLimiter::per_second(rate(20), rate(1000));
        let start = Instant::now();
        for _ in 0..10 {
            limiter.until_ready().await;
        }
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(430), "too fast: {elapsed:?}");
        assert!(elapsed < Duration::from_millis(1500), "too slow: {elapsed:?}");
    }

    #[tokio::test]
    async fn messages_are_spaced_per_chat_and_chats_do_not_wait_for_each_other() {
        // 5 messages into each of two chats at 20/s per chat: the chats go
        // side by side (about 200 ms), not one after the other (450 ms).
        let limiter = Arc::new(RateLimiter::per_second(rate(1000), rate(20)));
        let start = Instant::now();
        let tasks: Vec<_> = [1_i64, 2]
            .into_iter()
            .map(|chat| {
                let limiter = Arc::clone(&limiter);
                tokio::spawn(async move {
                    for _ in 0..5 {
                        limiter.until_chat_ready(chat).await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task");
        }
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(190), "too fast: {elapsed:?}");
        assert!(elapsed < Duration::from_millis(420), "chats waited for each other: {elapsed:?}");
        assert_eq!(limiter.chats_tracked(), 2);
    }

    #[tokio::test]
    async fn messages_into_many_chats_still_keep_the_overall_rate() {
        // One message into each of 10 chats: each chat is free, the overall 20/s is not.
        let limiter = RateLimiter::per_second(rate(20), rate(4));
        let start = Instant::now();
        for chat in 0..10 {
            limiter.until_chat_ready(chat).await;
        }
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(430), "too fast: {elapsed:?}");
        assert!(elapsed < Duration::from_millis(1500), "too slow: {elapsed:?}");
    }

    #[tokio::test]
    async fn try_acquire_and_forgetting_idle_chats() {
        let limiter = RateLimiter::per_second(rate(10), rate(100));
        assert!(limiter.try_acquire());
        assert!(!limiter.try_acquire(), "the second request within 100 ms must wait");
        limiter.until_chat_ready(7).await;
        assert_eq!(limiter.chats_tracked(), 1);
        tokio::time::sleep(Duration::from_millis(30)).await;
        limiter.forget_idle_chats();
        assert_eq!(limiter.chats_tracked(), 0, "chat 7's rate is full again after 10 ms");
    }
}
