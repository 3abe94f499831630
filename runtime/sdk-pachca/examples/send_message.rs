//! Sends a message to a chat.
//!
//! ```text
//! PACHCA_TOKEN=... cargo run -p pachca --example send_message -- <chat_id> "Hello from Rust"
//! ```
//!
//! `PACHCA_BASE_URL` points the client elsewhere (a mock server such as Prism).

use pachca::models::{Message, MessageCreateRequest, MessageCreateRequestMessage};
use pachca::{Client, Error};

/// Sends `text` to the chat `chat_id` and returns the message the API created.
pub async fn send(client: &Client, chat_id: i64, text: &str) -> Result<Message, Error> {
    let body = MessageCreateRequest::new(MessageCreateRequestMessage::new(chat_id, text));
    client.messages().create_message(&body).await
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let chat_id: i64 = args.next().ok_or("usage: send_message <chat_id> <text>")?.parse()?;
    let text = args.next().unwrap_or_else(|| "Hello from Rust".to_owned());

    let mut builder = pachca::Client::builder().token(std::env::var("PACHCA_TOKEN")?);
    if let Ok(url) = std::env::var("PACHCA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    let message = send(&client, chat_id, &text).await?;
    println!("sent message {} to chat {}", message.id, message.chat_id);
    Ok(())
}
