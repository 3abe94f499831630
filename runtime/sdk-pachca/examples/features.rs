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

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let chat_id: i64 = std::env::args().nth(1).ok_or("usage: features <chat_id> [file]")?.parse()?;
    let mut builder = pachca::Client::builder()
        .token(std::env::var("PACHCA_TOKEN")?)
        .retry_policy(RetryPolicy::default().deadline(Duration::from_secs(30)));
    if let Ok(url) = std::env::var("PACHCA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // Send a message; ids are i64 (thread chats go beyond 32 bits).
    let body = MessageCreateRequest::new(MessageCreateRequestMessage::new(chat_id, "Hello from Rust"));
    let message = client.messages().create_message(&body).await?;

    // One call with its own timeout and a header, reading the response's request id.
    let capture = ResponseCapture::new();
    let options = RequestOptions::new().timeout(Duration::from_secs(5)).header("X-Client", "features-example")?.capture(&capture);
    let again = client.messages().with_options(options).get_message(message.id).await?;
    if let Some(meta) = capture.last() {
        println!("HTTP {} request id {:?}", meta.status, meta.request_id);
    }

    // Upload a file (streamed from disk, any size), then send it.
    if let Some(path) = std::env::args().nth(2) {
        let file = client.upload_path(&path).await?;
        let mut with_file = MessageCreateRequestMessage::new(chat_id, "The file");
        with_file.files = Some(vec![file.attachment()?]);
        client.messages().create_message(&MessageCreateRequest::new(with_file)).await?;
    }

    // Every user, page after page (one page in memory at a time).
    let users = client.users().list_users_all(ListUsersParams::default()).await?;

    // Errors say what the API answered.
    match client.messages().get_message(1).await {
        Err(e @ Error::Api { .. }) if e.is_not_found() => println!("no such message (request id {:?})", e.request_id()),
        Err(e) => return Err(e.into()),
        Ok(m) => println!("message 1: {}", m.content),
    }

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
    println!("sent {}, read back {}, {} users, fixture {}", message.id, again.id, users.len(), fixture.id);
    Ok(())
}
