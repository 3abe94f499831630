//! A bot that answers every new message in that message's thread: an axum
//! server receiving Pachca's outgoing webhooks.
//!
//! ```text
//! PACHCA_TOKEN=... PACHCA_WEBHOOK_SECRET=... cargo run -p pachca --example webhook_bot
//! ```
//!
//! Set the bot's webhook URL (Automations → Integrations → the bot → Outgoing
//! webhook) to `http://<this host>:3000/webhook`; its signing secret is
//! `PACHCA_WEBHOOK_SECRET`. `PACHCA_LISTEN` changes the address
//! (`127.0.0.1:3000`), `PACHCA_BASE_URL` points the client elsewhere, and
//! `PACHCA_BOT_USER_ID` (the bot's own user id) makes it ignore its own messages.
//!
//! Each request is checked before anything else: its `Pachca-Signature`
//! header must be the HMAC-SHA256 of the raw body under the secret, and its
//! `webhook_timestamp` within a minute of now (`WebhookVerifier`). A request
//! that fails answers 401 and does nothing.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use pachca::models::{
    Message, MessageCreateRequest, MessageCreateRequestMessage, MessageEntityType, MessageWebhookPayload,
    WebhookEventType, WebhookPayloadUnion,
};
use pachca::webhook::{WebhookError, WebhookVerifier, SIGNATURE_HEADER};

/// What the bot needs to answer a webhook.
#[derive(Debug)]
pub struct Bot {
    /// The API client, with the bot's token.
    pub client: pachca::Client,
    /// Checks the signature and age of each request.
    pub verifier: WebhookVerifier,
    /// The bot's own user id: its own messages are not answered.
    pub bot_user_id: Option<i64>,
}

/// What the bot did with one verified webhook.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It answered: the message it posted, into this thread chat.
    Replied {
        /// The thread chat the reply went to.
        thread_chat_id: i64,
        /// The reply as the API returned it.
        reply: Box<Message>,
    },
    /// Not a new message from someone else (an edit, a reaction, a button...).
    Ignored,
}

/// The webhook endpoint as a router: `POST /webhook`.
pub fn app(bot: Arc<Bot>) -> Router {
    Router::new().route("/webhook", post(webhook)).with_state(bot)
}

/// Verifies a webhook request and acts on it.
///
/// 401 when the signature or the timestamp is wrong (nothing is done), 400
/// when a correctly signed body is not JSON, 200 otherwise: also when the
/// reply fails, which is logged, since Pachca answering the same event again
/// would not make it succeed.
async fn webhook(State(bot): State<Arc<Bot>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    // The signature covers the raw bytes: verify them before decoding anything.
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let payload = match bot.verifier.verify(&body, signature) {
        Ok(payload) => payload,
        Err(WebhookError::Json(e)) => {
            eprintln!("webhook: signed body is not a payload: {e}");
            return StatusCode::BAD_REQUEST;
        }
        Err(e) => {
            eprintln!("webhook rejected: {e}");
            return StatusCode::UNAUTHORIZED;
        }
    };
    // Answered inline to keep the example short; a bot with slow work would
    // `tokio::spawn` it and answer 200 at once.
    match handle(&bot.client, &payload, bot.bot_user_id).await {
        Ok(Outcome::Replied { thread_chat_id, reply }) => {
            println!("replied in thread chat {thread_chat_id}: message {}", reply.id);
        }
        Ok(Outcome::Ignored) => {}
        Err(e) => eprintln!("reply failed: {e} (request id {:?})", e.request_id()),
    }
    StatusCode::OK
}

/// Answers a new message in its thread: the thread is created for the
/// message (or the existing one is returned: `POST /messages/{id}/thread`
/// gives back the thread already created), and the reply is posted into the
/// thread's chat. A message that is itself in a thread is answered in that
/// same thread (a thread message cannot have a thread of its own).
///
/// # Errors
///
/// The API's error for the thread or the message.
pub async fn handle(
    client: &pachca::Client,
    payload: &WebhookPayloadUnion,
    bot_user_id: Option<i64>,
) -> Result<Outcome, pachca::Error> {
    let WebhookPayloadUnion::Message(message) = payload else { return Ok(Outcome::Ignored) };
    if message.event != WebhookEventType::New || Some(message.user_id) == bot_user_id {
        return Ok(Outcome::Ignored);
    }
    let thread_chat_id = if message.entity_type == MessageEntityType::Thread || message.thread.as_option().is_some() {
        message.chat_id
    } else {
        client.threads().create_thread(message.id).await?.chat_id
    };
    // `entity_type` left out is `discussion`, which takes any chat id,
    // a thread's chat included.
    let body = MessageCreateRequest::new(MessageCreateRequestMessage::new(thread_chat_id, reply_text(message)));
    let reply = client.messages().create_message(&body).await?;
    Ok(Outcome::Replied { thread_chat_id, reply: Box::new(reply) })
}

/// The bot's answer to `message`.
pub fn reply_text(message: &MessageWebhookPayload) -> String {
    format!("Got it, <@{}>: \"{}\"", message.user_id, message.content)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = pachca::Client::builder().token(std::env::var("PACHCA_TOKEN")?);
    if let Ok(url) = std::env::var("PACHCA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let bot = Bot {
        client: builder.build()?,
        verifier: WebhookVerifier::new(std::env::var("PACHCA_WEBHOOK_SECRET")?),
        bot_user_id: std::env::var("PACHCA_BOT_USER_ID").ok().map(|id| id.parse()).transpose()?,
    };
    let listen = std::env::var("PACHCA_LISTEN").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("listening on http://{}/webhook", listener.local_addr()?);
    axum::serve(listener, app(Arc::new(bot))).await?;
    Ok(())
}
