//! The code of the README's "Using the generated crate", compiled by every
//! `cargo test` so the README cannot drift from the API.
//!
//! ```text
//! PACHCA_TOKEN=... cargo run -p pachca --example features -- <chat_id> [file to send]
//! ```

use std::time::Duration;

use pachca::models::{Message, MessageCreateRequest, MessageCreateRequestMessage, MessageEntityType};
use pachca::params::ListUsersParams;
use pachca::{Error, RequestOptions, ResponseCapture, RetryPolicy};

/// What the tour did, for the caller (and the test) to check.
#[derive(Debug)]
pub struct Tour {
    /// The id of the message sent.
    pub sent: i64,
    /// The id read back with per-call options.
    pub read_back: i64,
    /// The request id of that call's response.
    pub request_id: Option<String>,
    /// The upload, when a file was sent.
    pub uploaded: Option<pachca::upload::UploadedFile>,
    /// How many users the workspace has.
    pub users: usize,
    /// Whether message 1 was missing (a 404).
    pub message_1_missing: bool,
    /// The fixture built with a builder.
    pub fixture: Message,
}

/// Every feature the README shows, in order.
pub async fn tour(client: &pachca::Client, chat_id: i64, file: Option<&std::path::Path>) -> Result<Tour, Box<dyn std::error::Error>> {
    // Send a message; ids are i64 (thread chats go beyond 32 bits).
    let body = MessageCreateRequest::new(MessageCreateRequestMessage::new(chat_id, "Hello from Rust"));
    let message = client.messages().create_message(&body).await?;

    // One call with its own timeout and a header, reading the response's request id.
    let capture = ResponseCapture::new();
    let options = RequestOptions::new().timeout(Duration::from_secs(5)).header("X-Client", "features-example")?.capture(&capture);
    let again = client.messages().with_options(options).get_message(message.id).await?;
    let request_id = capture.last().and_then(|meta| meta.request_id);

    // Upload a file (streamed from disk, any size), then send it.
    let mut uploaded = None;
    if let Some(path) = file {
        let file = client.upload_path(path).await?;
        let mut with_file = MessageCreateRequestMessage::new(chat_id, "The file");
        with_file.files = Some(vec![file.attachment()?]);
        client.messages().create_message(&MessageCreateRequest::new(with_file)).await?;
        uploaded = Some(file);
    }

    // Every user, page after page (one page in memory at a time).
    let users = client.users().list_users_all(ListUsersParams::default()).await?;

    // Errors say what the API answered.
    let message_1_missing = match client.messages().get_message(1).await {
        Err(e @ Error::Api { .. }) if e.is_not_found() => true,
        Err(e) => return Err(e.into()),
        Ok(_) => false,
    };

    // A value of any model, for your own tests: every model has a builder.
    let fixture: Message = Message::builder()
        .id(1)
        .entity_type(MessageEntityType::Discussion)
        .entity_id(chat_id)
        .chat_id(chat_id)
        .root_chat_id(chat_id)
        .content("fixture")
        .user_id(12)
        .created_at(chrono::DateTime::from_timestamp(1_591_608_777, 0).ok_or("a valid time")?)
        .url("https://app.pachca.com/chats/1")
        .files(Vec::new())
        .build()?;
    Ok(Tour { sent: message.id, read_back: again.id, request_id, uploaded, users: users.len(), message_1_missing, fixture })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let chat_id: i64 = std::env::args().nth(1).ok_or("usage: features <chat_id> [file]")?.parse()?;
    let file = std::env::args().nth(2).map(std::path::PathBuf::from);
    let mut builder = pachca::Client::builder()
        .token(std::env::var("PACHCA_TOKEN")?)
        .retry_policy(RetryPolicy::default().deadline(Duration::from_secs(30)));
    if let Ok(url) = std::env::var("PACHCA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    let tour = tour(&client, chat_id, file.as_deref()).await?;
    println!("{tour:#?}");
    Ok(())
}
