//! What a `pachca::Error` tells a bot, and what the bot does about it.
//!
//! ```text
//! PACHCA_TOKEN=... cargo run -p pachca --example error_handling -- <chat_id> "text"
//! ```
//!
//! `PACHCA_BASE_URL` points the client elsewhere (a mock server).
//!
//! Every error of a request names the request (`err.request()`: the spec's
//! operation id, the method and the path) and, when the API answered, its
//! status and `x-request-id` (quote it to Pachca's support). The body of an
//! `Error::Api` is kept as JSON; `err.api_error()` decodes Pachca's
//! `{"errors": [{key, value, message, code}]}` and `err.oauth_error()` its
//! `{"error", "error_description"}` for 401 and 403. HTTP 429 is
//! `Error::RateLimited`, once the client's retries (which wait for
//! `Retry-After`) are spent.

use std::time::Duration;

use pachca::models::{Message, MessageCreateRequest, MessageCreateRequestMessage, ValidationErrorCode};
use pachca::Error;

/// What the bot does about a failed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Try again later: rate limited, timed out, or the network failed.
    RetryLater(Option<Duration>),
    /// The token is missing, wrong, revoked, or lacks a scope: tell a human.
    CheckToken(String),
    /// The request is wrong: each field the API named, as `key: code (message)`.
    FixRequest(Vec<String>),
    /// The chat, message or user is not there (any more).
    NotFound,
    /// Anything else: log it with the request id and move on.
    Report,
}

/// An error as a bot would log it, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReport {
    /// The HTTP status the API answered, if it answered.
    pub status: Option<u16>,
    /// The spec's operation id (`MessageOperations_createMessage`).
    pub operation: Option<&'static str>,
    /// `METHOD /path` of the failed request (no query string).
    pub request: Option<String>,
    /// The response's `x-request-id`.
    pub request_id: Option<String>,
    /// What to do.
    pub action: Action,
}

/// Reads what `err` says.
pub fn report(err: &Error) -> ErrorReport {
    let action = match err {
        // 429 after the client's retries: the last `Retry-After`, if any.
        Error::RateLimited { retry_after, .. } => Action::RetryLater(*retry_after),
        Error::Timeout { .. } | Error::Transport(_) => Action::RetryLater(None),
        Error::Api { status: 401 | 403, .. } => Action::CheckToken(match err.oauth_error() {
            Some(oauth) => format!("{}: {}", oauth.error, oauth.error_description),
            None => err.to_string(),
        }),
        _ if err.is_not_found() => Action::NotFound,
        Error::Api { status: 400 | 422, .. } => match err.api_error() {
            // A `rate_limit` code in a 422 is a limit too, not a wrong field.
            Some(body) if body.errors.iter().any(|e| e.code == ValidationErrorCode::RateLimit) => {
                Action::RetryLater(None)
            }
            Some(body) => Action::FixRequest(
                body.errors.iter().map(|e| format!("{}: {} ({})", e.key, e.code, e.message)).collect(),
            ),
            None => Action::Report,
        },
        _ => Action::Report,
    };
    let request = err.request();
    ErrorReport {
        status: err.status(),
        operation: request.and_then(|r| r.operation),
        request: request.map(|r| format!("{} {}", r.method, r.path)),
        request_id: err.request_id().map(str::to_owned),
        action,
    }
}

/// Sends `text` to `chat_id`; a failure comes back as its [`ErrorReport`].
///
/// # Errors
///
/// The report of the request's error.
pub async fn send(client: &pachca::Client, chat_id: i64, text: &str) -> Result<Message, ErrorReport> {
    let body = MessageCreateRequest::new(MessageCreateRequestMessage::new(chat_id, text));
    client.messages().create_message(&body).await.map_err(|err| {
        // The error's Display names the request, the status, the request id
        // and the API's messages: one line for the log.
        eprintln!("{err}");
        report(&err)
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let chat_id: i64 = args.next().ok_or("usage: error_handling <chat_id> <text>")?.parse()?;
    let text = args.next().unwrap_or_else(|| "Hello from Rust".to_owned());
    let mut builder = pachca::Client::builder().token(std::env::var("PACHCA_TOKEN")?);
    if let Ok(url) = std::env::var("PACHCA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    match send(&client, chat_id, &text).await {
        Ok(message) => println!("sent message {}", message.id),
        Err(report) => println!("{report:#?}"),
    }
    Ok(())
}
