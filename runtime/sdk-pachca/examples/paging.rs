//! Walks every chat the token can see, page after page, acting on each chat
//! as it arrives: here, a report of the chats nobody wrote in for a month.
//!
//! ```text
//! PACHCA_TOKEN=... cargo run -p pachca --example paging -- [days]
//! ```
//!
//! `PACHCA_BASE_URL` points the client elsewhere (a mock server).
//!
//! `list_chats_stream` fetches the next page only when the items of the one
//! before are used up, so memory holds one page (at most 50 chats) however
//! many there are, and stopping early (`break`) fetches no more pages.

use chrono::{DateTime, Duration, Utc};
use futures::TryStreamExt;
use pachca::models::Chat;
use pachca::params::ListChatsParams;

/// What the walk found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ChatReport {
    /// Chats seen, in the order the API listed them.
    pub seen: Vec<i64>,
    /// How many of them are channels.
    pub channels: usize,
    /// Chats whose last message is older than the cutoff: (id, name).
    pub quiet: Vec<(i64, String)>,
}

/// Walks all chats, `on_chat` called on each as it arrives, and reports
/// those without a message since `quiet_since`.
///
/// # Errors
///
/// The first page that fails ends the walk with its error (the client has
/// retried it already, per its retry policy).
pub async fn run(
    client: &pachca::Client,
    quiet_since: DateTime<Utc>,
    mut on_chat: impl FnMut(&Chat),
) -> Result<ChatReport, pachca::Error> {
    // 50 is the largest page the API gives: fewest requests.
    let chats = client.chats().list_chats_stream(ListChatsParams::default().limit(50));
    let mut chats = std::pin::pin!(chats);
    let mut report = ChatReport::default();
    while let Some(chat) = chats.try_next().await? {
        on_chat(&chat);
        report.seen.push(chat.id);
        if chat.channel {
            report.channels += 1;
        }
        if chat.last_message_at < quiet_since {
            report.quiet.push((chat.id, chat.name));
        }
    }
    Ok(report)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let days: i64 = std::env::args().nth(1).map(|d| d.parse()).transpose()?.unwrap_or(30);
    let mut builder = pachca::Client::builder().token(std::env::var("PACHCA_TOKEN")?);
    if let Ok(url) = std::env::var("PACHCA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // `DateTime::from(SystemTime)`: the SDK's chrono has no `clock` feature (`Utc::now`).
    let now = DateTime::<Utc>::from(std::time::SystemTime::now());
    let report = run(&client, now - Duration::days(days), |chat| {
        eprintln!("{}\t{}", chat.id, chat.name);
    })
    .await?;
    println!("{} chats ({} channels); quiet for {days} days:", report.seen.len(), report.channels);
    for (id, name) in &report.quiet {
        println!("{id}\t{name}");
    }
    Ok(())
}
