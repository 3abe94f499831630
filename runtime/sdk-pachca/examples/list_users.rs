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
use pachca::Client;

/// Up to `max` users as `(id, "first last")`, in the order the API lists them.
pub async fn list(client: &Client, max: usize) -> Result<Vec<(i64, String)>, Box<dyn std::error::Error>> {
    // Items arrive as pages are fetched; only one page is held in memory.
    let users = client.users().list_users_stream(ListUsersParams::default().limit(50)).take(max);
    let mut users = std::pin::pin!(users);
    let mut out = Vec::new();
    while let Some(user) = users.next().await {
        let user = user?;
        // Read the names from the JSON form: whether they are optional has
        // changed between spec versions, and this example builds against all.
        let json = serde_json::to_value(&user)?;
        let name = |key: &str| json[key].as_str().unwrap_or_default().to_owned();
        out.push((user.id, format!("{} {}", name("first_name"), name("last_name"))));
    }
    Ok(out)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let max: usize = std::env::args().nth(1).map(|m| m.parse()).transpose()?.unwrap_or(usize::MAX);

    let mut builder = pachca::Client::builder().token(std::env::var("PACHCA_TOKEN")?);
    if let Ok(url) = std::env::var("PACHCA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    let users = list(&client, max).await?;
    for (id, name) in &users {
        println!("{id}\t{name}");
    }
    let count = users.len();
    eprintln!("{count} users");
    Ok(())
}
