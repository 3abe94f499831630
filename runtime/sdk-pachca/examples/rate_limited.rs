//! Sends an announcement of several messages to several chats without
//! tripping Pachca's rate limits: every message waits for its chat's limit
//! and the overall one (`pachca::rate_limit`, feature `rate-limit`).
//!
//! ```text
//! PACHCA_TOKEN=... cargo run -p pachca --features rate-limit --example rate_limited -- <chat_id>...
//! ```
//!
//! `PACHCA_BASE_URL` points the client elsewhere (a mock server).
//!
//! The limits (`RateLimiter::pachca_defaults`) are "about 50 requests per
//! second overall and about 4 messages per second into one chat": Pachca's
//! published guidance as quoted in this project's skill catalogue
//! (`spec/skills/catalogue.yaml`, the `rate_limit` line of `pachca-messages`);
//! the OpenAPI spec names no figures, only the `rate_limit` error code
//! ("Rate limit reached"). The chats are written to side by side: each waits
//! only for its own limit, so two chats take as long as one.

use futures::future::try_join_all;
use pachca::models::{MessageCreateRequest, MessageCreateRequestMessage};
use pachca::rate_limit::RateLimiter;

/// The ids of the messages sent into one chat, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The chat.
    pub chat_id: i64,
    /// The messages' ids.
    pub message_ids: Vec<i64>,
}

/// Sends each of `texts`, in order, to each of `chat_ids`, within `limiter`'s limits.
///
/// # Errors
///
/// The first request that fails (the client has retried a 429 already).
pub async fn announce(
    client: &pachca::Client,
    limiter: &RateLimiter,
    chat_ids: &[i64],
    texts: &[&str],
) -> Result<Vec<Sent>, pachca::Error> {
    // One future per chat, run together: a chat waits only for its own
    // 4 per second and the shared 50 per second.
    try_join_all(chat_ids.iter().map(|&chat_id| async move {
        let mut message_ids = Vec::with_capacity(texts.len());
        for text in texts {
            limiter.until_chat_ready(chat_id).await;
            let body = MessageCreateRequest::new(MessageCreateRequestMessage::new(chat_id, *text));
            message_ids.push(client.messages().create_message(&body).await?.id);
        }
        Ok::<_, pachca::Error>(Sent { chat_id, message_ids })
    }))
    .await
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let chat_ids: Vec<i64> = std::env::args().skip(1).map(|id| id.parse()).collect::<Result<_, _>>()?;
    if chat_ids.is_empty() {
        return Err("usage: rate_limited <chat_id>...".into());
    }
    let mut builder = pachca::Client::builder().token(std::env::var("PACHCA_TOKEN")?);
    if let Ok(url) = std::env::var("PACHCA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // One limiter for everything that uses this token.
    let limiter = RateLimiter::pachca_defaults();
    let texts = ["Release 2.4 is out", "Changelog: ...", "Questions go to this thread"];
    for sent in announce(&client, &limiter, &chat_ids, &texts).await? {
        println!("chat {}: messages {:?}", sent.chat_id, sent.message_ids);
    }
    Ok(())
}
