//! Lists every user of the workspace, following pagination lazily.
//!
//! ```text
//! PACHCA_TOKEN=... cargo run -p pachca --example list_users -- [max]
//! ```
//!
//! `PACHCA_BASE_URL` points the client elsewhere (a mock server such as Prism).
//! Prism answers every page with the same cursor, which the SDK reports as
//! `Error::RepeatedCursor` after the second page: pass `-- 2` there.

use futures::StreamExt;
use pachca::params::ListUsersParams;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let max: usize = std::env::args().nth(1).map(|m| m.parse()).transpose()?.unwrap_or(usize::MAX);

    let mut builder = pachca::Client::builder().token(std::env::var("PACHCA_TOKEN")?);
    if let Ok(url) = std::env::var("PACHCA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // Items arrive as pages are fetched; only one page is held in memory.
    let users = client.users().list_users_stream(ListUsersParams::default().limit(50)).take(max);
    let mut users = std::pin::pin!(users);
    let mut count = 0;
    while let Some(user) = users.next().await {
        let user = user?;
        println!("{}\t{} {}", user.id, user.first_name.as_deref().unwrap_or(""), user.last_name.as_deref().unwrap_or(""));
        count += 1;
    }
    eprintln!("{count} users");
    Ok(())
}
